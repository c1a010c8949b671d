"""ui.calendar_view: the year's day kinds agree with the engine's calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from policy import calendar_for, default_policy
from policy.params import CalendarParams
from ui.calendar_view import KINDS, heatmap_cells, heatmap_spec, month_starts, month_summary, special_days, year_table


@pytest.fixture(scope="module")
def cn():
    return calendar_for(default_policy().calendar)


@pytest.fixture(scope="module")
def t2025(cn):
    return year_table(cn, 2025)


def _kind(table, date):
    return table.loc[table["date"] == date, "kind"].item()


def test_every_day_once_with_its_kind(t2025):
    assert len(t2025) == 365
    assert t2025["date"].iloc[0] == dt.date(2025, 1, 1)
    assert set(t2025["kind"]) <= set(KINDS)
    # The spec's example: Sunday 2025-01-26 is a make-up day, 01-28..02-04 Spring Festival.
    assert _kind(t2025, dt.date(2025, 1, 26)) == "makeup"
    assert _kind(t2025, dt.date(2025, 1, 24)) == "working"
    assert _kind(t2025, dt.date(2025, 1, 25)) == "weekend"
    for d in range(28, 32):
        assert _kind(t2025, dt.date(2025, 1, d)) in ("holiday", "weekend")
    assert _kind(t2025, dt.date(2025, 1, 28)) == "holiday"
    assert _kind(t2025, dt.date(2025, 2, 5)) == "working"


def test_working_flag_matches_the_engine(cn, t2025):
    for row in t2025.itertuples():
        assert row.working == cn.is_working_day(row.date)
        assert row.working == (row.kind in ("working", "makeup"))


def test_holiday_names(t2025):
    names = t2025.loc[t2025["kind"] == "holiday", "holiday_name"]
    assert (names != "").all()
    assert (t2025.loc[t2025["kind"] == "working", "holiday_name"] == "").all()


def test_heatmap_cells_place_days_by_weekday_and_week(t2025):
    cells = heatmap_cells(t2025).set_index("day")
    assert len(cells) == 365 and cells["week"].max() == 52
    # 2025-01-01 is a Wednesday (holiday), first column; Mon/Tue of that week are outside the year.
    first = cells.loc["Wed 2025-01-01"]
    assert (first["week"], first["weekday"], first["kind"]) == (0, "Wed", "holiday")
    assert first["what"].startswith("Public holiday: ")
    assert not (cells["week"].eq(0) & cells["weekday"].isin(["Mon", "Tue"])).any()
    # Sunday 2025-01-26: week column 3, a make-up working day.
    assert tuple(cells.loc["Sun 2025-01-26", ["week", "weekday", "kind"]]) == (3, "Sun", "makeup")
    assert cells.loc["Thu 2025-01-02", "what"] == "Working day"


def test_month_starts_name_each_month_once(t2025):
    ticks = month_starts(t2025)
    assert [m for _, m in ticks][:2] == ["Jan", "Feb"] and len(ticks) == 12
    assert ticks[0][0] == 0 and ticks[1][0] == 4  # 2025-02-01 is the Saturday of the fifth column


def test_heatmap_spec_colours_every_kind_and_names_the_months(t2025):
    spec = heatmap_spec(month_starts(t2025))
    color = spec["encoding"]["color"]["scale"]
    assert color["domain"] == list(KINDS) and len(set(color["range"])) == len(KINDS)
    axis = spec["encoding"]["x"]["axis"]
    assert axis["values"] == [w for w, _ in month_starts(t2025)]
    assert "datum.value === 4 ? 'Feb'" in axis["labelExpr"] and axis["labelExpr"].endswith("''")


def test_month_summary_adds_up(t2025):
    m = month_summary(t2025)
    assert len(m) == 12
    assert (m["working days"] + m["public holidays"] + m["weekend days"]).sum() == 365
    assert m["working days"].sum() == int(t2025["working"].sum())
    jan = m.iloc[0]
    assert jan["make-up days"] == 1


def test_special_days_lists_holidays_and_makeup_days(t2025):
    s = special_days(t2025)
    assert dt.date(2025, 1, 26) in set(s["date"])
    assert list(s["date"]) == sorted(s["date"])
    assert set(s["kind"]) == {"Public holiday", "Make-up working day (weekend)"}


def test_leap_year_and_other_country():
    us = calendar_for(CalendarParams(country="US", timezone="America/New_York"))
    t = year_table(us, 2024)
    assert len(t) == 366
    assert _kind(t, dt.date(2024, 7, 4)) == "holiday"
    assert (t["kind"] != "makeup").all()


def test_year_outside_the_calendar(cn):
    with pytest.raises(ValueError, match="outside"):
        year_table(cn, 1900)


def test_estimate_years(cn):
    assert not cn.is_estimate(2025)
    assert cn.is_estimate(2060)
