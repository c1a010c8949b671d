"""Local wall-clock time in a policy's zone: the one reading of a naive timestamp.

Policy-spec section 2 reads a timestamp without an offset "as already in" the policy's zone.
Where the zone changes its clocks that is not one instant (README, "Daylight saving"):

- a wall-clock time that happens twice (clocks go back) is its **first** occurrence;
- a wall-clock time that never happens (clocks go forward) **moves forward by the gap's
  length**: 02:30 on a night that jumps from 02:00 to 03:00 is 03:30.

Both are Python's own reading (PEP 495, ``fold=0``): the offset in force just before the change.
Every path that meets a naive time (``decide``, ``decide_frame``, the import of CSV and Parquet,
the report's as-of time, the app's forms) reads it here, so one text is one instant everywhere.

The zone's changes are found once per zone from ``zoneinfo`` itself (a daily scan, then the exact
second by bisection) and kept as arrays, so a million times cost one ``searchsorted``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

SECOND_US = 1_000_000
DAY_US = 86_400 * SECOND_US
# The years scanned for clock changes: the calendar's table (1999..2075) and a margin. Times
# outside them (rare: the engine refuses them) are read one by one by zoneinfo with the same rule.
_SCAN_FROM = dt.datetime(1998, 12, 1, tzinfo=dt.UTC)
_SCAN_TO = dt.datetime(2077, 2, 1, tzinfo=dt.UTC)
_SCAN_STEP_S = 6 * 3600
_EPOCH = dt.datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, eq=False)
class ZoneChanges:
    """A zone's offset changes between the scanned years.

    ``change_utc[k]`` is the UTC instant of change k; ``offsets[k]`` the offset (µs) in force
    before it and ``offsets[k + 1]`` after it. ``switch_local[k]`` is the wall-clock time from
    which a naive reading takes the new offset: the later end of the gap or of the repeated
    span, ``change_utc[k] + max(before, after)``.
    """

    zone: str
    change_utc: np.ndarray
    offsets: np.ndarray
    switch_local: np.ndarray
    first_utc: int
    end_utc: int

    @property
    def fixed_offset_us(self) -> int | None:
        """The zone's offset when it never changes in the scanned years."""
        return int(self.offsets[0]) if len(self.change_utc) == 0 else None

    def changes_between(self, first_utc: int, end_utc: int) -> int:
        """How many changes fall in [first_utc, end_utc)."""
        lo, hi = np.searchsorted(self.change_utc, [first_utc, end_utc], side="left")
        return int(hi - lo)


@cache
def zone_changes(zone: str) -> ZoneChanges:
    tz = ZoneInfo(zone)
    first, end = _seconds(_SCAN_FROM), _seconds(_SCAN_TO)
    # A coarse scan every six hours (vectorised), then each change to the second by bisection
    # with zoneinfo itself. No zone changes its clocks twice within six hours.
    steps = np.arange(first, end, _SCAN_STEP_S, dtype=np.int64)
    stamps = pd.DatetimeIndex(steps.astype("datetime64[s]")).tz_localize("UTC")
    local = stamps.tz_convert(zone).tz_localize(None).as_unit("s").asi8
    coarse = local - steps
    changes, offsets = [], [_offset_s(tz, int(steps[0]))]
    for i in np.flatnonzero(np.diff(coarse)) + 1:
        lo, hi = int(steps[i - 1]), int(steps[i])  # the old offset at lo, the new one at hi
        before = _offset_s(tz, lo)
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if _offset_s(tz, mid) == before else (lo, mid)
        changes.append(hi)
        offsets.append(_offset_s(tz, hi))
    change_utc = np.array(changes, np.int64) * SECOND_US
    offset_us = np.array(offsets, np.int64) * SECOND_US
    switch = change_utc + np.maximum(offset_us[:-1], offset_us[1:])
    return ZoneChanges(zone, change_utc, offset_us, switch, first * SECOND_US, end * SECOND_US)


def _seconds(moment: dt.datetime) -> int:
    return int((moment - _EPOCH_UTC).total_seconds())


def _offset_s(tz: ZoneInfo, utc_seconds: int) -> int:
    return int((_EPOCH_UTC + dt.timedelta(seconds=utc_seconds)).astimezone(tz).utcoffset().total_seconds())


# --- arrays -------------------------------------------------------------------------------

def local_to_utc_us(local_us: np.ndarray, zone: str) -> np.ndarray:
    """UTC microseconds of naive local wall-clock microseconds in ``zone`` (int64 arrays), by
    the rule above: a repeated time is its first occurrence, a skipped one moves forward by the
    gap."""
    local_us = np.asarray(local_us, dtype=np.int64)
    table = zone_changes(zone)
    if table.fixed_offset_us is not None:
        utc = local_us - table.fixed_offset_us
    else:
        utc = local_us - table.offsets[np.searchsorted(table.switch_local, local_us, side="right")]
    outside = (utc < table.first_utc + DAY_US) | (utc >= table.end_utc - DAY_US)
    if outside.any():
        utc = utc.copy()
        utc[outside] = [_python_local_to_utc(int(v), zone) for v in local_us[outside]]
    return utc


def utc_to_local_us(utc_us: np.ndarray, zone: str) -> np.ndarray:
    """Local wall-clock microseconds in ``zone`` of UTC microseconds (int64 arrays)."""
    utc_us = np.asarray(utc_us, dtype=np.int64)
    table = zone_changes(zone)
    if table.fixed_offset_us is not None:
        local = utc_us + table.fixed_offset_us
    else:
        local = utc_us + table.offsets[np.searchsorted(table.change_utc, utc_us, side="right")]
    outside = (utc_us < table.first_utc) | (utc_us >= table.end_utc)
    if outside.any():
        local = local.copy()
        local[outside] = [_python_utc_to_local(int(v), zone) for v in utc_us[outside]]
    return local


def day_start_utc_us(days: np.ndarray, zone: str) -> np.ndarray:
    """The first instant (UTC µs) of each local date (days since 1970-01-01) in ``zone``.

    A midnight that does not exist starts the day at the first time after the gap (the change
    itself); a midnight that happens twice starts it at its first occurrence. Nothing here
    localises a time that does not exist, so no zone makes it fail.
    """
    midnight = np.asarray(days, dtype=np.int64) * DAY_US
    utc = local_to_utc_us(midnight, zone)
    skipped = utc_to_local_us(utc, zone) != midnight
    if skipped.any():
        table = zone_changes(zone)
        change = np.searchsorted(table.change_utc, utc[skipped], side="right") - 1
        utc = utc.copy()
        utc[skipped] = table.change_utc[change]
    return utc


def _clamp_us(value_us: int) -> int:
    low = (dt.datetime(1, 1, 2) - _EPOCH) // dt.timedelta(microseconds=1)
    high = (dt.datetime(9999, 12, 30) - _EPOCH) // dt.timedelta(microseconds=1)
    return min(max(value_us, low), high)


def _python_local_to_utc(local_us: int, zone: str) -> int:
    clamped = _clamp_us(local_us)
    naive = _EPOCH + dt.timedelta(microseconds=clamped)
    offset = naive.replace(tzinfo=ZoneInfo(zone)).utcoffset()  # fold=0: the rule above
    return local_us - offset // dt.timedelta(microseconds=1)


def _python_utc_to_local(utc_us: int, zone: str) -> int:
    clamped = _clamp_us(utc_us)
    moment = _EPOCH_UTC + dt.timedelta(microseconds=clamped)
    return utc_us + moment.astimezone(ZoneInfo(zone)).utcoffset() // dt.timedelta(microseconds=1)


# --- one value ----------------------------------------------------------------------------

def local_datetime(naive: dt.datetime, zone: str | ZoneInfo) -> dt.datetime:
    """A naive wall-clock ``datetime`` read in ``zone`` by the rule above, as an aware datetime
    in that zone (for a skipped time, the wall clock shown is the one after the gap)."""
    name = zone.key if isinstance(zone, ZoneInfo) else zone
    local_us = (naive.replace(tzinfo=None) - _EPOCH) // dt.timedelta(microseconds=1)
    utc_us = int(local_to_utc_us(np.array([local_us], np.int64), name)[0])
    moment = _EPOCH_UTC + dt.timedelta(microseconds=utc_us)
    return moment.astimezone(zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone))


def zones_with_changes(first_year: int, last_year: int) -> list[str]:
    """Every zone ``zoneinfo`` knows whose offset changes at least once from the start of
    ``first_year`` to the end of ``last_year`` (daylight saving or a change of standard time)."""
    from zoneinfo import available_timezones

    first = _seconds(dt.datetime(first_year, 1, 1, tzinfo=dt.UTC)) * SECOND_US
    end = _seconds(dt.datetime(last_year + 1, 1, 1, tzinfo=dt.UTC)) * SECOND_US
    return [zone for zone in sorted(available_timezones())
            if zone_changes(zone).changes_between(first, end)]
