"""Deadline arithmetic on arrays of local wall-clock microseconds, shared by both engines.

``decide`` calls these with one-element arrays and ``decide_frame`` with a million: the same
code computes every deadline, so the two engines cannot drift apart.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from policy.calendar import DAY_US, HOUR_US, SECOND_US, WorkingCalendar
from policy.params import PauseOn, ProcessingParams

END_OF_DAY_US = DAY_US - SECOND_US  # 23:59:59


def local_day(local_us: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of local wall-clock microseconds (the local date)."""
    return np.floor_divide(local_us, DAY_US)


def end_of_nth_working_day(cal: WorkingCalendar, local_us: np.ndarray, n: int) -> np.ndarray:
    """UTC microseconds of 23:59:59 on the n-th working day strictly after the local date.

    "Within N working days" after an event (policy-spec section 2; RP1, RP2, RP3, RF1, RF2,
    R0, F2, RF3).
    """
    index = cal.day_index_of_local(local_us)
    target = cal.nth_working_day(index, n)
    if target.size and target.max() >= len(cal.working):
        raise ValueError("deadline falls past the calendar's last year")
    return cal.to_utc((target + cal.first_day) * DAY_US + END_OF_DAY_US)


def end_of_day_after(cal: WorkingCalendar, local_us: np.ndarray, days: int) -> np.ndarray:
    """UTC microseconds of 23:59:59 on the local date plus ``days`` calendar days (RE1)."""
    return cal.to_utc((local_day(local_us) + days) * DAY_US + END_OF_DAY_US)


def processing_deadline(cal: WorkingCalendar, processing: ProcessingParams,
                        placed_local_us: np.ndarray, placed_utc_us: np.ndarray) -> np.ndarray:
    """P1: the earliest instant at which ``processing.hours`` counted hours have passed.

    The clock runs only on days ``pause_on`` does not pause; an order placed on a paused day
    starts at 00:00 of the next day the clock runs. The result can be 00:00 right after a
    working day even when a holiday follows (policy-spec section 2).
    """
    hours_us = int(processing.hours * HOUR_US)
    if processing.pause_on is PauseOn.NOTHING:
        return placed_utc_us + hours_us
    index = cal.day_index_of_local(placed_local_us)
    time_of_day = placed_local_us - (index + cal.first_day) * DAY_US
    left_today = np.where(cal.clock_runs(index, processing.pause_on), DAY_US - time_of_day, 0)
    done_today = hours_us <= left_today
    rest = hours_us - left_today
    whole_days = -np.floor_divide(-rest, DAY_US)  # ceil: how many more counted days are touched
    whole_days = np.where(done_today, 1, whole_days)
    target = cal.nth_counted_day(index, whole_days, processing.pause_on)
    later = (np.minimum(target, len(cal.working) - 1) + cal.first_day) * DAY_US + rest - (whole_days - 1) * DAY_US
    if (~done_today).any() and target[~done_today].max() >= len(cal.working):
        raise ValueError("processing deadline falls past the calendar's last year")
    return cal.to_utc(np.where(done_today, placed_local_us + hours_us, later))


def hours_us(hours: Decimal) -> int:
    return int(hours * HOUR_US)


def add_months(days: np.ndarray, months: int) -> np.ndarray:
    """Local dates (days since epoch) plus calendar months, clamped to the month's end (A1):
    2025-11-30 + 3 months = 2026-02-28."""
    dates = days.astype("datetime64[D]")
    month_start = dates.astype("datetime64[M]")
    day_of_month = (dates - month_start.astype("datetime64[D]")).astype(np.int64)
    target_month = month_start + months
    month_length = ((target_month + 1).astype("datetime64[D]") - target_month.astype("datetime64[D]")).astype(np.int64)
    return target_month.astype("datetime64[D]").astype(np.int64) + np.minimum(day_of_month, month_length - 1)
