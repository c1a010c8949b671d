"""How fresh the data is: the latest event it records, and which report weeks it fully covers.

A week is only a fair figure once it is over and the data reaches past it: a week still running,
or one the export stops in the middle of, shows open items as if the team had stopped working
(pending or "breached" only because the later milestones are not in the data yet). The report
marks such weeks incomplete and every page says how old the data is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from . import sql
from .kept import kept


@dataclass(frozen=True)
class Freshness:
    """Latest instants in the data (tz-aware UTC; None for an empty table)."""

    latest_event: pd.Timestamp | None
    latest_order: pd.Timestamp | None
    latest_case: pd.Timestamp | None

    def covered_until(self, as_of: pd.Timestamp) -> pd.Timestamp:
        """The instant up to which a report can be trusted: the as-of time, or the data's last
        event if that comes first."""
        if self.latest_event is None:
            return as_of
        return min(as_of, self.latest_event)

    def age(self, as_of: pd.Timestamp) -> pd.Timedelta | None:
        """How long before ``as_of`` the latest event happened (negative: data after as_of)."""
        return None if self.latest_event is None else as_of - self.latest_event


def _ts(value) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).tz_convert("UTC")


def data_freshness(con: duckdb.DuckDBPyConnection) -> Freshness:
    """The latest event, order and case in the database (data/sql/data_freshness.sql): a scan
    of every event column, kept per data version (``data.kept``)."""
    row = kept(con, "data_freshness", lambda: sql.arrow(con, "data_freshness")).to_pylist()[0]
    return Freshness(*(_ts(row[k]) for k in ("latest_event", "latest_order", "latest_case")))


def week_is_complete(monday: dt.date, covered_until: pd.Timestamp, zone: str) -> bool:
    """True when the ISO week starting ``monday`` (a local date in ``zone``) is over and the
    data reaches its end: the local date of ``covered_until`` is the next Monday or later.
    Compared as local dates, so no local midnight is ever localised (zones whose clocks change
    at midnight have days that start at 01:00)."""
    return covered_until.tz_convert(zone).date() >= monday + dt.timedelta(days=7)


def describe_age(age: pd.Timedelta | None) -> str:
    """How long before the as-of time the data ends, as words: '4 days before the as-of time',
    'moments before ...', 'later than the as-of time' (a past as-of date), 'no data'."""
    if age is None:
        return "no data"
    seconds = age.total_seconds()
    if seconds < 0:
        return "later than the as-of time"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} before the as-of time"
    return "moments before the as-of time"
