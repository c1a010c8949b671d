"""The working-day calendar against an independent source, and its edges."""

import datetime as dt

import chinese_calendar
import numpy as np
import pytest

from policy import calendar_for, load_policy
from policy.params import CalendarParams


@pytest.fixture(scope="module")
def cn():
    return calendar_for(load_policy().calendar)


def test_matches_chinese_calendar_2015_to_2026(cn):
    """Zero differences against the chinese-calendar package (State Council notices)."""
    day, last = dt.date(2015, 1, 1), dt.date(2026, 12, 31)
    differences = []
    while day <= last:
        if cn.is_working_day(day) != chinese_calendar.is_workday(day):
            differences.append(day)
        day += dt.timedelta(days=1)
    assert differences == []


@pytest.mark.parametrize("day, working", [
    pytest.param(dt.date(2025, 1, 26), True, id="makeup-sunday-2025-01-26"),
    pytest.param(dt.date(2025, 2, 8), True, id="makeup-saturday-2025-02-08"),
    pytest.param(dt.date(2025, 1, 28), False, id="spring-festival-eve"),
    pytest.param(dt.date(2025, 2, 4), False, id="spring-festival-substitute-day-off"),
    pytest.param(dt.date(2025, 10, 8), False, id="national-day-last-day-off"),
    pytest.param(dt.date(2025, 10, 9), True, id="first-working-day-after-national-day"),
    pytest.param(dt.date(2026, 3, 9), True, id="monday-after-womens-day-half-day"),
    pytest.param(dt.date(2025, 5, 4), False, id="youth-day-half-day-on-sunday-is-just-a-sunday"),
    pytest.param(dt.date(2027, 3, 8), True, id="womens-day-weekday-is-working"),
])
def test_known_days(cn, day, working):
    assert cn.is_working_day(day) is working


def test_years_past_official_data_are_estimates(cn):
    assert cn.official_until == 2026
    assert not cn.is_estimate(2026)
    assert cn.is_estimate(2027)


def test_nth_working_day_zero_is_the_day_itself(cn):
    index = np.array([cn.index_of(dt.date(2025, 1, 25))])
    assert cn.date_at(cn.nth_working_day(index, 0)[0]) == dt.date(2025, 1, 25)


def test_another_country_and_weekend():
    us = calendar_for(CalendarParams(country="US", timezone="America/New_York"))
    assert not us.is_working_day(dt.date(2025, 7, 4))
    assert us.is_working_day(dt.date(2025, 7, 7))
    assert us.official_until is None
    gulf = calendar_for(CalendarParams(country="US", timezone="America/New_York", weekend=(4, 5)))
    assert gulf.is_working_day(dt.date(2025, 7, 6))  # a Sunday, working under a Fri-Sat weekend
    assert not gulf.is_working_day(dt.date(2025, 7, 11))
