"""What the Weekly metrics page shows (data.metrics_view): period totals against the previous
period, changes without a "+0", weeks in calendar order, late by in working hours, the CSV."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data.metrics_view import (
    change,
    csv_file_name,
    late_by_working_hours,
    opening_week,
    period_totals,
    period_weeks,
    previous_period,
    readable_week_csv,
    week_order,
)
from policy import default_policy

W = [dt.date(2026, 11, 2) + dt.timedelta(weeks=i) for i in range(4)]  # W45..W48


def _frames():
    weeks = pd.DataFrame({"week": W, "orders": [10, 20, 30, 40], "cases": [1, 2, 3, 4], "refunds": [1, 1, 1, 1],
                          "refunds_full": [5.0, 5, 5, 5], "refunds_partial": [1.0, 0, 0, 0],
                          "refunds_other": [0.0, 0, 0, 0], "merchant_freight": [2.0, 2, 2, 2]})
    stages = pd.DataFrame({"week": W, "stage": ["reply"] * 4, "met": [9, 1, 3, 0], "breached": [1, 1, 1, 0],
                           "pending": [0, 0, 0, 5]})
    return weeks, stages


@pytest.mark.parametrize("last, n, first_expected, prev_expected", [
    pytest.param(W[3], 1, W[3], (W[2], W[2]), id="one-week"),
    pytest.param(W[3], 2, W[2], (W[0], W[1]), id="two-weeks"),
])
def test_periods(last, n, first_expected, prev_expected):
    assert period_weeks(last, n) == (first_expected, last)
    assert previous_period(last, n) == prev_expected


def test_period_totals_sum_weeks_and_pool_attainment():
    weeks, stages = _frames()
    now = period_totals(weeks, stages, W[2], W[3])
    assert now["orders"] == 70 and now["cases"] == 7 and now["refunds_paid"] == 10.0
    assert now["stages"]["reply"] == {"met": 3, "breached": 1, "pending": 5, "attainment": 0.75}
    before = period_totals(weeks, stages, W[0], W[1])
    assert before["refunds_paid"] == 11.0 and before["stages"]["reply"]["attainment"] == 10 / 12


def test_period_without_items_has_no_attainment():
    weeks, stages = _frames()
    totals = period_totals(weeks, stages, W[3], W[3])
    assert totals["stages"]["reply"]["attainment"] is None
    assert totals["stages"]["refund"]["attainment"] is None  # a stage with no rows at all


@pytest.mark.parametrize("now, before, kind, expected", [
    pytest.param(5, 5, "count", None, id="count-zero-no-delta"),
    pytest.param(6, 5, "count", "+1", id="count-up"),
    pytest.param(4, 5, "count", "-1", id="count-down"),
    pytest.param(0.9, 0.9, "rate", None, id="rate-zero"),
    pytest.param(0.90004, 0.9, "rate", None, id="rate-rounds-to-zero"),
    pytest.param(0.91, 0.9, "rate", "+1.0 pts", id="rate-up"),
    pytest.param(1.0, 1.0, "money", None, id="money-zero"),
    pytest.param(1.5, 1.0, "money", "+0.50", id="money-up"),
    pytest.param(None, 1.0, "count", None, id="unknown-now"),
    pytest.param(float("nan"), 1.0, "rate", None, id="nan"),
])
def test_change(now, before, kind, expected):
    assert change(now, before, kind) == expected


def test_week_order_is_calendar_order():
    assert week_order(["2026-W47", "2026-W37", "2026-W38", "2025-W52", "2026-W37"]) == [
        "2025-W52", "2026-W37", "2026-W38", "2026-W47"]


@pytest.mark.parametrize("due, done, hours", [
    pytest.param("2026-11-23T23:59:59+08:00", "2026-11-24T10:00:00+08:00", 10.0, id="next-morning-10h"),
    pytest.param("2026-11-27T23:59:59+08:00", "2026-11-30T02:00:00+08:00", 2.0, id="weekend-not-counted"),
    pytest.param("2026-11-27T23:59:59+08:00", None, 24.0, id="not-done-counts-to-as-of"),
])
def test_late_by_working_hours(due, done, hours):
    as_of = pd.Timestamp("2026-12-01T00:00:00+08:00")
    got = late_by_working_hours(pd.Series([pd.Timestamp(due)]), pd.Series([pd.Timestamp(done) if done else pd.NaT]),
                                as_of, default_policy())
    assert got.iloc[0] == pytest.approx(hours, abs=0.05)


def test_readable_csv_headers_and_rounding():
    frame = pd.DataFrame({"week": ["2026-W47"], "orders": [3], "merchant_freight": [1.23456],
                          "reply_attainment": [0.876543], "reply_p50_hours": [3.14159], "reply_met": [7]})
    out = readable_week_csv(frame, lambda s: s.title())
    assert list(out.columns) == ["Week", "Orders", "Return freight paid by the store", "Reply attainment %",
                                 "Reply p50 working hours", "Reply met"]
    assert out.iloc[0].tolist() == ["2026-W47", 3, 1.23, 87.7, 3.1, 7]


@pytest.mark.parametrize("weeks, category, country, expected", [
    pytest.param(1, None, None, "returns-desk-2026-W47-all-categories-all-countries.csv", id="week-no-filters"),
    pytest.param(1, "electronics", "DE", "returns-desk-2026-W47-electronics-DE.csv", id="week-filters"),
    pytest.param(4, "home & garden", None, "returns-desk-2026-W44-to-W47-home-garden-all-countries.csv",
                 id="period-unsafe-characters"),
])
def test_csv_file_name(weeks, category, country, expected):
    assert csv_file_name(dt.date(2026, 11, 16), weeks, category, country) == expected


PICKS = {
    "a reply point": ([{"stage_code": "reply", "week_start": "2026-11-16"}], ("reply", dt.date(2026, 11, 16))),
    "first usable of two": ([{"week_start": "2026-11-16"}, {"stage_code": "refund", "week_start": "2026-11-09"}],
                            ("refund", dt.date(2026, 11, 9))),
    "nothing selected": ([], None),
    "no selection at all": (None, None),
    "an unknown stage": ([{"stage_code": "<b>x</b>", "week_start": "2026-11-16"}], None),
    "not a date": ([{"stage_code": "reply", "week_start": "last week"}], None),
    "no week": ([{"stage_code": "reply"}], None),
}


@pytest.mark.parametrize(("points", "expected"), PICKS.values(), ids=PICKS.keys())
def test_picked_point(points, expected):
    from data.metrics_view import picked_point

    assert picked_point(points) == expected


OPENING = {  # (complete flags of W45..W48 in the week list's order, the week the page opens on)
    "the latest week is complete": ([True, True, True, True], W[3]),
    "the latest week is still going": ([True, True, True, False], W[2]),
    "a gap of incomplete weeks": ([True, False, True, False], W[2]),
    "only the first week is complete": ([True, False, False, False], W[0]),
    "no week is complete: the latest": ([False, False, False, False], W[3]),
}


@pytest.mark.parametrize("complete, expected", OPENING.values(), ids=OPENING.keys())
def test_the_page_opens_on_the_latest_complete_week(complete, expected):
    weeks = pd.DataFrame({"week": pd.to_datetime(W), "complete": complete})
    assert opening_week(weeks) == expected
    assert opening_week(weeks.iloc[::-1]) == expected  # whatever order the list comes in


def test_no_week_no_opening_week():
    assert opening_week(pd.DataFrame({"week": pd.to_datetime([]), "complete": pd.Series([], dtype=bool)})) is None
