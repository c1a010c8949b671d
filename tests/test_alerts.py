"""data.alerts and ``python -m data alerts``: the store's open deadlines, at risk or overdue."""

from __future__ import annotations

import pandas as pd
import pytest

from data.alerts import ITEM_COLUMNS, open_alerts
from data.app_queries import case_queue
from data.sla import CUSTOMER_STAGES, MERCHANT_STAGES
from policy import deadline_after, default_policy

AS_OF = {"mid-November": "2026-11-20T10:00:00+08:00", "a Sunday evening": "2026-11-15T21:30:00+08:00",
         "naive = policy zone": "2026-11-20T10:00:00", "UTC already the next day in Shanghai": "2026-11-19T17:30:00Z"}


@pytest.mark.parametrize("as_of", AS_OF.values(), ids=AS_OF.keys())
def test_items_are_open_store_deadlines_due_soon_or_past(con, as_of):
    policy = default_policy()
    alerts = open_alerts(con, policy, as_of)
    now = alerts.as_of
    risk_until = deadline_after(pd.Series([now]), 1, policy).iloc[0]
    assert str(now.tz) == policy.calendar.timezone
    assert len(alerts.at_risk) and len(alerts.overdue)
    assert ((alerts.at_risk["due"] >= now) & (alerts.at_risk["due"] <= risk_until)).all()
    assert (alerts.overdue["due"] < now).all()
    for frame in (alerts.at_risk, alerts.overdue):
        assert list(frame.columns) == ITEM_COLUMNS
        assert set(frame["stage"]) <= set(MERCHANT_STAGES) and not set(frame["stage"]) & set(CUSTOMER_STAGES)
        orders = frame["stage"] == "processing"
        assert frame.loc[orders, "case_id"].isna().all() and frame.loc[orders, "agent"].isna().all()
        assert frame.loc[~orders, "case_id"].notna().all() and frame.loc[~orders, "agent"].notna().all()
        assert frame["order_id"].notna().all()
    assert list(alerts.at_risk["due"]) == sorted(alerts.at_risk["due"])
    assert list(alerts.overdue["due"]) == sorted(alerts.overdue["due"], reverse=True)


def test_counts_are_the_case_lookup_pages_counts(con):
    """The page lists the same queues (one query): case deadlines, orders to ship, overdue."""
    policy, as_of = default_policy(), AS_OF["mid-November"]
    alerts = open_alerts(con, policy, as_of)
    store_case_stages = [s for s in MERCHANT_STAGES if s != "processing"]
    page = {status: case_queue(con, policy, as_of, status, store_case_stages, limit=1)["total"].iloc[0]
            + case_queue(con, policy, as_of, status, ["processing"], limit=1)["total"].iloc[0]
            for status in ("at_risk", "breached")}
    assert (len(alerts.at_risk), len(alerts.overdue)) == (page["at_risk"], page["breached"])


@pytest.mark.parametrize(("smaller", "larger"), [(0, 1), (1, 3), (3, 10)], ids=["0-1", "1-3", "3-10"])
def test_a_longer_horizon_adds_items_and_never_drops_one(con, smaller, larger):
    a = open_alerts(con, default_policy(), AS_OF["mid-November"], within=smaller)
    b = open_alerts(con, default_policy(), AS_OF["mid-November"], within=larger)
    key = ["stage", "order_id", "case_id"]
    assert set(map(tuple, a.at_risk[key].astype(str).values)) <= set(map(tuple, b.at_risk[key].astype(str).values))
    assert len(a.at_risk) <= len(b.at_risk)
    assert a.overdue.equals(b.overdue)


@pytest.mark.parametrize("within", [-1, 1.5, True], ids=["negative", "fraction", "bool"])
def test_within_must_be_whole_working_days(con, within):
    with pytest.raises(ValueError, match="within"):
        open_alerts(con, default_policy(), AS_OF["mid-November"], within=within)
