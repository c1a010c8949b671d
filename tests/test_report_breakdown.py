"""data.report.attainment_by: SLA attainment by agent, category, reason and weekday (the why)."""

from __future__ import annotations

import pandas as pd
import pytest

from data.report import BREAKDOWNS, attainment_by, stage_status, weekly_report
from data.sla import MERCHANT_STAGES
from policy import default_policy

AS_OF = "2026-11-26T00:00:00+08:00"
PERIODS = {"one week": ("2026-11-16", "2026-11-22"), "four weeks": ("2026-10-26", "2026-11-22"),
           "Spring Festival backlog": ("2026-02-16", "2026-03-01")}
FILTERS = {"all": {}, "electronics": {"category": "electronics"}, "DE": {"country": "DE"}}


@pytest.mark.parametrize("by", BREAKDOWNS)
@pytest.mark.parametrize(("date_from", "date_to"), PERIODS.values(), ids=PERIODS.keys())
@pytest.mark.parametrize("filters", FILTERS.values(), ids=FILTERS.keys())
def test_counts_add_up_to_the_reports_stage_counts(con, by, date_from, date_to, filters):
    policy = default_policy()
    got = attainment_by(con, policy, by, date_from, date_to, AS_OF, **filters)
    report = weekly_report(con, policy, date_from, date_to, AS_OF, **filters).stages
    store = report[report["stage"].isin(MERCHANT_STAGES)]
    for column in ("met", "breached", "pending"):
        assert got[column].sum() == store[column].sum(), column
    assert (got["items"] == got["met"] + got["breached"] + got["pending"]).all()
    assert got["breached"].is_monotonic_decreasing
    assert not got["value"].duplicated().any()


@pytest.mark.parametrize("stage", ["reply", "refund", "processing"])
def test_one_stage(con, stage):
    policy = default_policy()
    got = attainment_by(con, policy, "agent", "2026-11-16", "2026-11-22", AS_OF, stages=[stage])
    items = stage_status(con, policy, AS_OF, stage=stage, week="2026-11-16")
    assert got["items"].sum() == len(items)
    assert got["breached"].sum() == (items["status"] == "breached").sum()
    if stage == "processing":  # orders have no agent
        assert got["value"].isna().all()
    else:
        assert got["value"].notna().all()


def test_agents_are_the_cases_agents(con):
    got = attainment_by(con, default_policy(), "agent", "2026-11-16", "2026-11-22", AS_OF,
                        stages=[s for s in MERCHANT_STAGES if s != "processing"])
    agents = {r[0] for r in con.cursor().execute("SELECT DISTINCT agent FROM cases").fetchall()}
    assert set(got["value"]) <= agents and len(got) > 3
    decided = got["met"] + got["breached"]
    assert (got.loc[decided > 0, "attainment"] == (got["met"] / decided)[decided > 0].round(4)).all()


def test_weekdays_are_the_starting_days(con):
    policy = default_policy()
    got = attainment_by(con, policy, "weekday", "2026-11-16", "2026-11-22", AS_OF, stages=["reply"])
    items = stage_status(con, policy, AS_OF, stage="reply", week="2026-11-16")
    expected = items.groupby(pd.to_datetime(items["day"]).dt.day_of_week + 1).size()
    assert dict(zip(got["value"], got["items"])) == expected.to_dict()


def test_unknown_breakdown_is_refused(con):
    with pytest.raises(ValueError, match="by must be one of"):
        attainment_by(con, default_policy(), "colour")


ZONES = {"the store's zone": "Asia/Shanghai", "fourteen hours ahead": "Pacific/Kiritimati",
         "twelve hours behind": "Etc/GMT+12"}


@pytest.mark.parametrize("zone", ZONES.values(), ids=ZONES.keys())
@pytest.mark.parametrize(("date_from", "date_to"), [("2026-11-16", "2026-11-22"), ("2026-11-23", "2026-11-29")],
                         ids=["a past week", "the week the as-of time is in"])
def test_each_item_counts_under_its_cases_agent(con, zone, date_from, date_to):
    """The agent join reads only the cases requested around the period (report_breakdown.sql):
    every item still finds its case's agent, in any zone, up to the edges of the period."""
    from policy import load_policy

    policy = load_policy().replace({"calendar.timezone": zone})
    stages = [s for s in MERCHANT_STAGES if s != "processing"]
    got = attainment_by(con, policy, "agent", date_from, date_to, AS_OF, stages=stages)
    items = stage_status(con, policy, AS_OF)
    days = pd.to_datetime(items["day"]).dt.date
    items = items[items["stage"].isin(stages) & (days >= pd.Timestamp(date_from).date())
                  & (days <= pd.Timestamp(date_to).date())]
    agents = con.cursor().execute("SELECT case_id AS item_id, agent FROM cases").df()
    expected = items.merge(agents, on="item_id", how="left").groupby("agent").size()
    assert len(items) > 0 and items["item_id"].isin(agents["item_id"]).all()
    assert dict(zip(got["value"], got["items"])) == expected.to_dict()
