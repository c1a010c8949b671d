"""The report's stored week totals (facts_stage_weeks) stand in for settled weeks only, exactly:
weekly_report's stage figures equal the computation from every stage item (report_stages over
all weeks) whatever the as-of time, period or filter, on both sides of each week's settled_at."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data import sql
from data.db import insert_frame
from data.decisions import decisions
from data.report import FAR_FUTURE, FAR_PAST, _filters, weekly_report
from policy import default_policy

AS_OF = "2026-11-26T00:00:00+08:00"  # the sample's pinned end (tests/conftest.py)
CASES = {
    "sample end": (AS_OF, None, None, {}),
    "long after": ("2027-06-01T00:00:00+08:00", None, None, {}),
    "mid history": ("2026-03-04T15:30:00+08:00", None, None, {}),
    "period cuts weeks": (AS_OF, "2026-06-03", "2026-08-20", {}),
    "one whole week": (AS_OF, "2026-11-16", "2026-11-22", {}),
    "category": (AS_OF, None, None, {"category": "electronics"}),
    "country": (AS_OF, "2026-05-01", None, {"country": "DE"}),
}


def plain(con, policy, date_from, date_to, as_of, **filters) -> pd.DataFrame:
    """Every week's stage figures computed from the items (no stored totals)."""
    params = _filters(policy, date_from, date_to, as_of, filters.get("category"), filters.get("country"))
    out = sql.frame(con, "report_stages", prepare=decisions(con, policy).register,
                    raw_first=FAR_PAST, raw_last=FAR_FUTURE, **params)
    decided = out["met"] + out["breached"]
    out["attainment"] = (out["met"] / decided.where(decided > 0)).round(4)
    return out[["week", "stage", "met", "breached", "pending", "attainment", "p50_hours", "p90_hours"]]


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True), check_exact=True)


@pytest.mark.parametrize(("as_of", "date_from", "date_to", "filters"), CASES.values(), ids=CASES.keys())
def test_stage_figures_equal_the_items(con, as_of, date_from, date_to, filters):
    policy = default_policy()
    got = weekly_report(con, policy, date_from, date_to, as_of, **filters).stages
    assert not got.empty
    _same(got, plain(con, policy, date_from, date_to, as_of, **filters))


@pytest.mark.parametrize("offset_s", [-1, 0, 1], ids=["a second before", "at settled_at", "a second after"])
def test_a_week_is_read_from_its_totals_only_once_settled(con, offset_s):
    """The as-of time right at the settled_at of the latest settled week (its last item done, or
    just past due; the report reads whole seconds): before it that week comes from its items, and still agrees."""
    policy = default_policy()
    stored = sql.frame(con, "report_stages_stored", prepare=decisions(con, policy).register,
                       **_filters(policy, None, None, AS_OF, None, None))
    assert stored["usable"].any() and not stored["usable"].all()  # the sample's last weeks are open
    week = stored[stored["usable"]].iloc[-1]["week"]
    at = (_week_settled_at(con, policy, week) + pd.Timedelta(seconds=offset_s)).isoformat()
    monday = pd.Timestamp(week).date()
    for period in ((None, None), (monday, monday + dt.timedelta(days=6))):
        _same(weekly_report(con, policy, *period, at).stages, plain(con, policy, *period, at))


def _week_settled_at(con, policy, week) -> pd.Timestamp:
    cur = decisions(con, policy).register(con.cursor())
    try:
        value = cur.execute("SELECT max(settled_at) FROM stage_weeks WHERE week = ?", [week]).fetchall()[0][0]
    finally:
        cur.close()
    return pd.Timestamp(value).tz_convert("UTC")


def test_totals_follow_a_write(con):
    """An insert changes the weeks it touches: their totals are recomputed with the facts."""
    policy = default_policy()
    before = weekly_report(con, policy, as_of=AS_OF).stages
    order = {"order_id": "WEEK-TOTALS-1", "placed_at": pd.Timestamp("2026-03-03 10:00", tz="Asia/Shanghai"),
             "shipped_at": pd.Timestamp("2026-03-20 10:00", tz="Asia/Shanghai"), "delivered_at": None,
             "promised_delivery_at": None, "order_amount": 10.0, "currency": "USD", "category": "books",
             "country": "DE", "status": "shipped"}
    insert_frame(con, "orders", pd.DataFrame([order]))
    after = weekly_report(con, policy, as_of=AS_OF).stages
    _same(after, plain(con, policy, None, None, AS_OF))
    week = dt.date(2026, 3, 2)
    row = lambda f: f[(pd.to_datetime(f["week"]).dt.date == week) & (f["stage"] == "processing")].iloc[0]  # noqa: E731
    assert row(after)["breached"] == row(before)["breached"] + 1


def test_an_item_moved_to_another_week_leaves_its_old_weeks_totals(con):
    """An order placed again five weeks later: the week it left loses its item too (its totals are
    recomputed though no new item lands in it)."""
    policy = default_policy()
    moved = con.cursor().sql("SELECT * FROM orders WHERE order_id NOT IN (SELECT order_id FROM cases) "
                             "AND placed_at < TIMESTAMPTZ '2026-06-01' ORDER BY order_id LIMIT 1").df()
    before = weekly_report(con, policy, as_of=AS_OF).stages
    for col in ("placed_at", "shipped_at", "delivered_at", "promised_delivery_at"):
        moved[col] = moved[col] + pd.Timedelta(weeks=5)
    insert_frame(con, "orders", moved)
    after = weekly_report(con, policy, as_of=AS_OF).stages
    _same(after, plain(con, policy, None, None, AS_OF))
    items = lambda f: f[f["stage"] == "processing"][["met", "breached", "pending"]].sum().sum()  # noqa: E731
    assert items(after) == items(before)  # moved, not added
    assert not before.equals(after)
