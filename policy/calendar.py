"""The working-day calendar: one precomputed day table that both engines read.

A day is a working day when it is not a weekend day and not a public holiday of the policy's
country, or when it is an official make-up working day (China's 调休 days, the ``holidays``
package's ``weekend_workdays``). Only the "public" category counts: half-day observances such
as 8 March do not stop the clock.

Both ``decide`` (one case) and ``decide_frame`` (a million) turn "within N working days" into
a lookup in the same cumulative count, so they agree by construction. Times are handled as
*local wall-clock microseconds* (int64) in the policy's zone; the conversion back to an
instant goes through :meth:`WorkingCalendar.to_utc`, also shared.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from policy.localtime import local_to_utc_us, utc_to_local_us, zone_changes
from policy.params import CalendarParams, PauseOn

DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
SECOND_US = 1_000_000
EPOCH = dt.date(1970, 1, 1)

# Events may fall in these years; the table runs a few years past them so that any deadline
# (at most 365 working days) still lands inside it.
FIRST_YEAR = 2000
LAST_YEAR = 2069
_TABLE_FIRST_YEAR = FIRST_YEAR - 1
_TABLE_LAST_YEAR = LAST_YEAR + 6


class OutOfCalendar(ValueError):
    """A date outside the years the calendar table covers."""


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Day table from 1999-01-01 to 2075-12-31 for one (country, subdivision, zone, weekend).

    ``first_day`` is the table's first date as days since 1970-01-01; index ``i`` is that day
    plus ``i``. ``cum_*[i]`` counts the days of a kind from the start up to and including ``i``.
    """

    params: CalendarParams
    first_day: int
    working: np.ndarray           # bool: a working day (weekday, or make-up day, and not a holiday)
    public_holiday: np.ndarray    # bool: a public holiday of the country
    makeup_day: np.ndarray        # bool: an official make-up working day on a weekend
    cum_working: np.ndarray       # int32
    cum_not_holiday: np.ndarray   # int32
    utc_offset_us: np.ndarray     # int64: the zone's offset for the whole day, if uniform
    uniform_offset: np.ndarray    # bool: no offset change during that day
    official_until: int | None    # last year with official make-up-day data; later = estimate
    holiday_names: dict[dt.date, str]
    working_days: np.ndarray      # int64: table indexes of the working days, in order (+ sentinels)
    not_holiday_days: np.ndarray  # int64: table indexes of days that are not public holidays (+ sentinels)
    fixed_offset_us: int | None   # the zone's offset when it is one and the same on every day

    # --- days ------------------------------------------------------------------------------

    @property
    def first_date(self) -> dt.date:
        return EPOCH + dt.timedelta(days=self.first_day)

    @property
    def last_date(self) -> dt.date:
        return self.first_date + dt.timedelta(days=len(self.working) - 1)

    def index_of(self, date: dt.date) -> int:
        return (date - EPOCH).days - self.first_day

    def date_at(self, index: int) -> dt.date:
        return EPOCH + dt.timedelta(days=int(index) + self.first_day)

    def is_working_day(self, date: dt.date) -> bool:
        return bool(self.working[self.index_of(date)])

    def is_estimate(self, year: int) -> bool:
        """True for a year after the last one with official make-up working days."""
        return self.official_until is not None and year > self.official_until

    def nth_working_day(self, day_index: np.ndarray, n: int) -> np.ndarray:
        """Index of the n-th working day strictly after each day (n = 0: the day itself).

        The j-th working day of the table sits at ``working_days[j - 1]``; a day with
        ``cum_working`` c has c working days up to it, so the n-th after it is number c + n.
        Past the table's end the result is a sentinel index beyond it (callers check for it).
        """
        if n == 0:
            return day_index
        return _gather(self.working_days, self.cum_working[day_index] + (n - 1))

    def nth_counted_day(self, day_index: np.ndarray, k: np.ndarray, pause_on: PauseOn) -> np.ndarray:
        """Index of the k-th day (k >= 1) after each day on which P1's processing clock runs."""
        if pause_on is PauseOn.NON_WORKING_DAYS:
            return _gather(self.working_days, self.cum_working[day_index] + (k - 1))
        return _gather(self.not_holiday_days, self.cum_not_holiday[day_index] + (k - 1))

    def clock_runs(self, day_index: np.ndarray, pause_on: PauseOn) -> np.ndarray:
        if pause_on is PauseOn.NON_WORKING_DAYS:
            return self.working[day_index]
        return ~self.public_holiday[day_index]

    # --- local wall-clock time <-> instants ---------------------------------------------

    def check_in_table(self, local_us: np.ndarray) -> None:
        if local_us.size:
            first = self.first_day * DAY_US
            if local_us.min() < first or local_us.max() >= first + len(self.working) * DAY_US:
                raise OutOfCalendar(f"outside the calendar's years {FIRST_YEAR}..{LAST_YEAR}")

    def day_index_of_local(self, local_us: np.ndarray) -> np.ndarray:
        """Day-table index of local wall-clock microseconds; raises if outside the table."""
        index = np.floor_divide(local_us, DAY_US) - self.first_day
        if index.size and (index.min() < 0 or index.max() >= len(self.working)):
            raise OutOfCalendar(f"outside the calendar's years {FIRST_YEAR}..{LAST_YEAR}")
        return index

    def to_utc(self, local_us: np.ndarray) -> np.ndarray:
        """UTC microseconds of local wall-clock microseconds, by the one rule of
        ``policy.localtime`` (a repeated time is its first occurrence, a skipped time moves
        forward by the gap). On days with one offset (all of them in Asia/Shanghai since 1991)
        this is a subtraction."""
        if self.fixed_offset_us is not None:
            self.check_in_table(local_us)
            return local_us - self.fixed_offset_us
        index = self.day_index_of_local(local_us)
        utc = local_us - self.utc_offset_us[index]
        irregular = ~self.uniform_offset[index]
        if irregular.any():
            utc[irregular] = local_to_utc_us(local_us[irregular], self.params.timezone)
        return utc

    def to_local(self, utc_us: np.ndarray) -> np.ndarray:
        """Local wall-clock microseconds of UTC microseconds."""
        if self.fixed_offset_us is not None:
            return utc_us + self.fixed_offset_us
        return utc_to_local_us(utc_us, self.params.timezone)

    def working_seconds_until(self, local_us: np.ndarray) -> np.ndarray:
        """Seconds of working-day time from the table's start to each local instant."""
        index = self.day_index_of_local(local_us)
        before = (self.cum_working[index] - self.working[index]).astype(np.int64) * 86_400
        today = np.where(self.working[index], (local_us - (index + self.first_day) * DAY_US) // SECOND_US, 0)
        return before + today


def calendar_for(params: CalendarParams) -> WorkingCalendar:
    return _build_calendar(params)


@lru_cache(maxsize=16)
def _build_calendar(params: CalendarParams) -> WorkingCalendar:
    days = _day_table(params.country, params.subdivision, params.weekend)
    first_day, n = days["first_day"], len(days["working"])

    # The offset a naive reading takes at each day's first and last microsecond: equal means
    # one offset all day (policy.localtime reads the days where it changes).
    changes = zone_changes(params.timezone)
    day_start = (np.arange(n, dtype=np.int64) + first_day) * DAY_US
    rule_start = np.searchsorted(changes.switch_local, day_start, side="right")
    rule_end = np.searchsorted(changes.switch_local, day_start + DAY_US - 1, side="right")
    offset_start = changes.offsets[rule_start]
    return WorkingCalendar(
        params=params,
        utc_offset_us=offset_start,
        uniform_offset=rule_start == rule_end,
        fixed_offset_us=(int(offset_start[0]) if (offset_start == offset_start[0]).all()
                         and (rule_start == rule_end).all() else None),
        **days,
    )


@lru_cache(maxsize=16)
def _day_table(country_code: str, subdivision: str, weekend_days: tuple[int, ...]) -> dict:
    """The zone-free part of a calendar (one per country, subdivision and weekend: a policy
    owner trying another zone does not rebuild the holidays)."""
    years = range(_TABLE_FIRST_YEAR, _TABLE_LAST_YEAR + 1)
    country = holidays.country_holidays(country_code, subdiv=subdivision or None, years=years)
    weekend = set(weekend_days) if weekend_days else set(country.weekend)
    makeup_dates = set(getattr(country, "weekend_workdays", ()) or ())

    first = dt.date(_TABLE_FIRST_YEAR, 1, 1)
    days = pd.date_range(first, dt.date(_TABLE_LAST_YEAR, 12, 31), freq="D")
    dates = days.date
    holiday_dates = set(country)  # the years asked for are all computed: a set tests 10x faster than the object
    public_holiday = np.fromiter((d in holiday_dates for d in dates), bool, len(dates))
    makeup_day = np.fromiter((d in makeup_dates for d in dates), bool, len(dates))
    weekday = days.day_of_week.to_numpy()
    weekend_day = np.isin(weekday, sorted(weekend))
    working = makeup_day | (~weekend_day & ~public_holiday)

    official = [d.year for d in makeup_dates]
    return dict(
        first_day=(first - EPOCH).days,
        working=working,
        public_holiday=public_holiday,
        makeup_day=makeup_day,
        cum_working=np.cumsum(working, dtype=np.int32),
        cum_not_holiday=np.cumsum(~public_holiday, dtype=np.int32),
        official_until=max(official) if official else None,
        holiday_names={d: country.get(d) for d in country},
        working_days=_padded(np.flatnonzero(working).astype(np.int64), len(working)),
        not_holiday_days=_padded(np.flatnonzero(~public_holiday).astype(np.int64), len(working)),
    )


def _gather(positions: np.ndarray, ordinal: np.ndarray) -> np.ndarray:
    """positions[ordinal]; ``positions`` ends in sentinels past the table, so an ordinal beyond
    the last real day lands on one (callers check for it) instead of raising."""
    return positions[ordinal]


def _padded(positions: np.ndarray, table_length: int) -> np.ndarray:
    # Ordinals run at most ~366 past the last real day (365 working days, or a 24*365-hour
    # processing clock); 1,000 sentinels cover them.
    return np.concatenate([positions, np.full(1000, table_length + 10**6, np.int64)])
