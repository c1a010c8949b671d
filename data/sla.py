"""SLA stages (data-contract.md, "SLA stages"): due from the policy's decision, done from the
milestone, and the duration in working hours.

Stage rows are built with numpy over whole columns (no Python row loops, no per-row time-zone
conversion in SQL) and kept as Arrow; met / breached / pending depend on the report's as-of time
and are computed in SQL by the macro ``sla_status`` (``sql/sla_rule.sql``; the same rule for one
case is ``policy/sla_rule.py``): met when done <= due; breached when done > due, or not done and
as-of past due; else pending. A milestone recorded after the as-of time had not happened yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from policy.catalog import STAGE_DEADLINES, Deadline, Side

from . import sql

DAY_US = 86_400_000_000
HOUR_US = 3_600_000_000
NAT_US = np.iinfo(np.int64).min  # "unknown" among integer microseconds (pandas' and the engine's NaT)


@dataclass(frozen=True)
class Stage:
    """An SLA stage as the reports measure it: one deadline of ``policy.catalog`` that has a
    milestone (the two windows have none)."""

    deadline: Deadline

    @property
    def name(self) -> str:
        return self.deadline.stage

    @property
    def due(self) -> str:  # decision column
        return self.deadline.value

    @property
    def done(self) -> str:  # milestone column
        return self.deadline.done

    @property
    def start(self) -> str:  # event the stage's clock starts from (for working-hour durations)
        return self.deadline.start

    @property
    def merchant(self) -> bool:  # False: the customer's side, shown apart
        return self.deadline.side is Side.STORE


STAGES = tuple(Stage(d) for d in STAGE_DEADLINES)
STAGE_NAMES = [s.name for s in STAGES]
MERCHANT_STAGES = [s.name for s in STAGES if s.merchant]
CUSTOMER_STAGES = [s.name for s in STAGES if not s.merchant]


def define_rule(cur):
    """Define the SQL macro ``sla_status(due, done, as_of)`` (sql/sla_rule.sql) on ``cur``.
    It is a temporary macro, so it exists per cursor: call this on every cursor that runs an
    SLA query (``Decisions.register`` does)."""
    cur.execute(sql.load("sla_rule"))
    return cur


def utc_us(values) -> np.ndarray:
    """Arrow/pandas timestamps -> float64 UTC microseconds since the epoch, NaN where unknown.

    Floats carry "unknown" as NaN through every step without masks, and hold microseconds
    exactly up to the year 2255 (2**53 us).
    """
    if isinstance(values, (pa.ChunkedArray, pa.Array)):
        ints = values.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
        return np.asarray(pc.cast(ints, pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
    s = pd.Series(values)
    if not isinstance(s.dtype, pd.DatetimeTZDtype):
        s = pd.to_datetime(s, utc=True)
    return float_us(np.asarray(s.dt.as_unit("us").array.asi8, dtype=np.int64))


def float_us(ints: np.ndarray) -> np.ndarray:
    """int64 microseconds (``NAT_US`` unknown) -> float64, NaN where unknown."""
    out = ints.astype(np.float64)
    out[ints == NAT_US] = np.nan
    return out


class WorkClock:
    """Local time and working hours for a policy, from a per-day table built by the engine.

    ``w0[d]`` = working hours from the table's first midnight to local midnight of day d,
    ``rate[d]`` = 1 on working days, 0 otherwise; hours inside a day accrue at ``rate``.
    Stored as W(t) = a[d] + rate[d] * t_hours, so an instant costs two lookups and one fma.
    """

    def __init__(self, zone: str, first_day: int, w0: np.ndarray, rate: np.ndarray,
                 fixed_offset_us: int | None = None) -> None:
        self.zone, self.first_day, self.w0, self.rate = zone, first_day, w0, rate
        self.fixed_offset_us = fixed_offset_us  # zones without DST: local = UTC + offset
        days = np.arange(first_day, first_day + len(w0), dtype=np.float64)
        self._a = w0 - rate * days * 24.0

    @classmethod
    def for_policy(cls, policy, first: dt.date, last: dt.date) -> WorkClock:
        """The table for local dates first..last. Built on the local wall clock, where every
        midnight exists: no zone's clock change (a skipped or repeated midnight) can fail it."""
        from policy import calendar_for
        from policy.localtime import zone_changes

        zone = policy.calendar.timezone
        first_day = (first - dt.date(1970, 1, 1)).days
        midnights = np.arange(first_day, (last - dt.date(1970, 1, 1)).days + 2, dtype=np.int64) * DAY_US
        seconds = calendar_for(policy.calendar).working_seconds_until(midnights)
        w = (seconds - seconds[0]) / 3600.0
        rate = np.clip(np.round(np.diff(w) / 24.0, 6), 0.0, 1.0)
        changes = zone_changes(zone)
        span = (int(midnights[0] - 2 * DAY_US), int(midnights[-1] + 2 * DAY_US))
        fixed = None
        if changes.changes_between(*span) == 0:
            fixed = int(changes.offsets[np.searchsorted(changes.change_utc, span[0], side="right")])
        return cls(zone, first_day, w[:-1], rate, fixed)

    def local_us(self, utc: np.ndarray) -> np.ndarray:
        """UTC microseconds (float, NaN unknown) -> local wall-clock microseconds in the zone."""
        from policy.localtime import utc_to_local_us

        if self.fixed_offset_us is not None:
            return utc + float(self.fixed_offset_us)
        out = np.full(len(utc), np.nan)
        known = ~np.isnan(utc)
        out[known] = utc_to_local_us(utc[known].astype(np.int64), self.zone).astype(np.float64)
        return out

    def hours(self, start_local: np.ndarray, end_local: np.ndarray) -> np.ndarray:
        """Working hours between two local instants (NaN where either is unknown or off-table)."""
        return self._w(end_local) - self._w(start_local)

    def _w(self, local: np.ndarray) -> np.ndarray:
        # Few passes, no masks: this runs over ten million instants per stage. The table covers
        # every day in the data, so clipping only ever catches unknowns, and NaN * rate stays NaN.
        with np.errstate(invalid="ignore"):
            i = (local * (1.0 / DAY_US)).astype(np.int64)  # days since 1970 (all >= 2000 here)
        i -= self.first_day
        out = np.take(self.rate, i, mode="clip")
        out *= local * (1.0 / HOUR_US)
        out += np.take(self._a, i, mode="clip")
        return out


def masked(values: np.ndarray, unknown: np.ndarray, type_: pa.DataType) -> pa.Array:
    """An Arrow array over ``values`` (no copy), null where ``unknown``.

    Builds the validity bitmap directly: ``pa.array(values, mask=...)`` costs ~0.18 s per ten
    million rows, this ~5 ms, and the report builds a dozen such columns per stage."""
    values = np.ascontiguousarray(values)
    if not unknown.any():
        return pa.Array.from_buffers(type_, len(values), [None, pa.py_buffer(values)])
    valid = pa.py_buffer(np.packbits(~unknown, bitorder="little"))
    return pa.Array.from_buffers(type_, len(values), [valid, pa.py_buffer(values)],
                                 null_count=int(unknown.sum()))


def local_dates(local: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Local date and the Monday of its ISO week, as Arrow date32 (null where unknown)."""
    unknown = np.isnan(local)
    day = np.floor(np.where(unknown, 0.0, local) * (1.0 / DAY_US)).astype(np.int32)
    week = day - ((day + 3) % 7)  # 1970-01-01 was a Thursday
    return masked(day, unknown, pa.date32()), masked(week, unknown, pa.date32())


def to_timestamps(us: np.ndarray) -> pa.Array:
    """float UTC microseconds (NaN unknown) -> Arrow timestamp[us, UTC]."""
    unknown = np.isnan(us)
    return masked(np.where(unknown, 0.0, us).astype(np.int64), unknown, pa.timestamp("us", tz="UTC"))


def to_hours(hours: np.ndarray) -> pa.Array:
    """float hours (NaN unknown) -> Arrow float64, null where unknown."""
    return masked(hours, np.isnan(hours), pa.float64())


# The stage rows' columns an SLA count reads (met / breached per stage over days): what
# ``stage_table(..., counts_only=True)`` keeps.
COUNT_COLUMNS = ["stage", "day", "due", "done"]


def stage_table(
    clock: WorkClock,
    stage: Stage,
    ids: pa.ChunkedArray | pa.Array | None,
    category, country,
    anchor_local: np.ndarray,
    start_utc: np.ndarray, due_utc: np.ndarray, done_utc: np.ndarray,
    keep_all: bool = False,
    counts_only: bool = False,
) -> pa.Table:
    """Stage rows for the items where the stage applies (due known); ``keep_all`` keeps every
    item (due NULL where it does not apply) to spare copying millions of ids. ``counts_only``:
    only ``COUNT_COLUMNS`` (no ids, category, country, week or working hours; ``ids``,
    ``category``, ``country`` may be None), for a caller that only counts (the what-if replay)."""
    applies = ~np.isnan(due_utc)
    if not (keep_all or applies.all()):
        rows = np.flatnonzero(applies)
        if not counts_only:
            take = pa.array(rows)
            ids, category, country = ids.take(take), category.take(take), country.take(take)
        anchor_local, start_utc, due_utc, done_utc = (a[rows] for a in (anchor_local, start_utc, due_utc, done_utc))
    n = len(due_utc)
    day, week = local_dates(anchor_local)
    code = STAGE_NAMES.index(stage.name)
    stage_col = pa.DictionaryArray.from_arrays(pa.array(np.full(n, code, np.int8)), pa.array(STAGE_NAMES))
    if counts_only:
        return pa.table({"stage": stage_col, "day": day, "due": to_timestamps(due_utc), "done": to_timestamps(done_utc)})
    hours = clock.hours(clock.local_us(start_utc), clock.local_us(done_utc))
    return pa.table({
        "stage": stage_col, "item_id": ids, "category": category, "country": country,
        "week": week, "day": day, "due": to_timestamps(due_utc), "done": to_timestamps(done_utc),
        "hours": to_hours(hours),
    })
