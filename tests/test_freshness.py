"""data.freshness: how old the data is, and which report weeks are over and fully covered."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

import data
from data.freshness import data_freshness, describe_age, week_is_complete
from data.report import weekly_report
from policy import default_policy
from tests.conftest import SAMPLE_UNTIL

T = pd.Timestamp
WEEK = {  # (monday, covered until, zone, complete?)
    "Sunday evening: not over": (dt.date(2026, 11, 16), T("2026-11-22T23:59:59+08:00"), "Asia/Shanghai", False),
    "next Monday midnight: over": (dt.date(2026, 11, 16), T("2026-11-23T00:00:00+08:00"), "Asia/Shanghai", True),
    "UTC Sunday, already Monday in Shanghai": (dt.date(2026, 11, 16), T("2026-11-22T16:00:00Z"), "Asia/Shanghai", True),
    "UTC Sunday, still Sunday in Shanghai": (dt.date(2026, 11, 16), T("2026-11-22T15:59:59Z"), "Asia/Shanghai", False),
    "long after": (dt.date(2025, 1, 6), T("2026-11-26T00:00:00+08:00"), "Asia/Shanghai", True),
    "before the week": (dt.date(2026, 11, 23), T("2026-11-20T00:00:00+08:00"), "Asia/Shanghai", False),
    # Sao Paulo's clocks went from 00:00 to 01:00 on Sunday 2018-11-04: that day has no midnight
    "Sao Paulo, a day that starts at 01:00": (dt.date(2018, 10, 29), T("2018-11-04T01:00:00-02:00"),
                                               "America/Sao_Paulo", False),
    "Sao Paulo, the Monday after": (dt.date(2018, 10, 29), T("2018-11-05T00:00:00-02:00"), "America/Sao_Paulo", True),
    # Havana repeats the hour before midnight when its clocks go back (2018-11-04 01:00 -> 00:00)
    "Havana, the repeated midnight": (dt.date(2018, 10, 29), T("2018-11-04T00:30:00-05:00"), "America/Havana", False),
}


@pytest.mark.parametrize(("monday", "covered", "zone", "complete"), WEEK.values(), ids=WEEK.keys())
def test_week_is_complete(monday, covered, zone, complete):
    assert week_is_complete(monday, covered, zone) is complete


AGE = {"none": (None, "no data"), "seconds": (pd.Timedelta(seconds=20), "moments before the as-of time"),
       "one minute": (pd.Timedelta(minutes=1), "1 minute before the as-of time"),
       "3 hours": (pd.Timedelta(hours=3, minutes=59), "3 hours before the as-of time"),
       "a day exactly": (pd.Timedelta(days=1), "1 day before the as-of time"),
       "4 days": (pd.Timedelta(days=4, hours=23), "4 days before the as-of time"),
       "data after as-of": (pd.Timedelta(seconds=-1), "later than the as-of time")}


@pytest.mark.parametrize(("age", "text"), AGE.values(), ids=AGE.keys())
def test_describe_age(age, text):
    assert describe_age(age) == text


def test_an_empty_database_has_no_freshness(tmp_path):
    con = data.connect(tmp_path / "empty.duckdb", create_sample=False, quiet=True)
    try:
        fresh = data_freshness(con)
    finally:
        con.close()
    assert fresh.latest_event is fresh.latest_order is fresh.latest_case is None
    assert fresh.covered_until(T(SAMPLE_UNTIL)) == T(SAMPLE_UNTIL)


def test_the_sample_is_fresh_up_to_its_end(con):
    fresh = data_freshness(con)
    end = T(SAMPLE_UNTIL)
    assert fresh.latest_order <= fresh.latest_event <= end
    assert fresh.latest_case <= fresh.latest_event
    assert end - fresh.latest_event < pd.Timedelta(hours=6)


def test_the_report_marks_the_running_week_and_the_week_the_data_stops_in(con):
    policy = default_policy()
    # the sample ends Thursday 2026-11-26 00:00 in Shanghai: W48 is running, W47 is over
    report = weekly_report(con, policy, "2026-11-09", None, "2026-11-30T10:00:00+08:00")
    complete = dict(zip(report.weeks["week_label"], report.weeks["complete"]))
    assert complete == {"2026-W46": True, "2026-W47": True, "2026-W48": False}
    doc = report.to_dict()
    assert [w["complete"] for w in doc["weeks"]] == [True, True, False]
    assert doc["data_until"].endswith("+08:00") and T(doc["data_until"]) <= T(SAMPLE_UNTIL)
    assert "complete" in report.to_csv_frame().columns
    # an as-of time inside a past week: that week is not over yet, as of then
    earlier = weekly_report(con, policy, "2026-11-09", None, "2026-11-18T10:00:00+08:00")
    assert dict(zip(earlier.weeks["week_label"], earlier.weeks["complete"])) == {"2026-W46": True,
                                                                                 "2026-W47": False}
