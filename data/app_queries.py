"""Queries the Case lookup page needs beyond ``data.lookup``: all of a case's milestones.

``case_row`` gives what ``policy.decide`` reads; the answer card also needs what happened after
(refund paid, replacement shipped, ...) to say whether each deadline was met, and the timeline
shows every event. Values are bound (``$case_id``), never formatted into the SQL.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from . import sql


def case_events(con: duckdb.DuckDBPyConnection, case_id: str, zone: str | None = None) -> dict[str, Any] | None:
    """Every timestamp of the case and its order, plus a few facts (agent, amounts paid);
    timestamps tz-aware (in ``zone`` when given), missing ones None. None if no such case."""
    row = sql.one(con, "app_case_events", case_id=str(case_id))
    if row is None:
        return None
    if zone:
        for key, value in row.items():
            if value is not None and hasattr(value, "astimezone"):
                row[key] = pd.Timestamp(value).tz_convert(zone).to_pydatetime()
    return row


def case_queue(con: duckdb.DuckDBPyConnection, policy, as_of, status: str, stages: list[str],
               limit: int | None = 500, within: int = 1) -> pd.DataFrame:
    """Open SLA items of one ``status`` ('at_risk': due by the end of the ``within``-th working
    day after ``as_of``; 'breached': past due and not done), for the given stages; at-risk soonest
    first, breached most recently due first; at most ``limit`` rows (None: all), column ``total`` =
    all matching items. Columns: status, stage, item_id, order_id, category, country, due (policy
    zone), agent, total.
    Same definitions as ``data.report.breached_and_at_risk`` (which returns breached first
    with a single limit, so a long breach list can hide the at-risk items)."""
    from policy import deadline_after

    from .decisions import decisions
    from .report import as_of_instant

    if status not in ("at_risk", "breached"):
        raise ValueError(f"status must be at_risk or breached, not {status!r}")
    if isinstance(within, bool) or not isinstance(within, int) or within < 0:
        raise ValueError(f"within must be a whole number of working days, 0 or more (got {within!r})")
    ts = as_of_instant(as_of, policy)
    risk_until = deadline_after(pd.Series([ts]), within, policy).iloc[0]
    params = {"as_of": ts.to_pydatetime(), "as_of_day": ts.date(), "risk_until": risk_until.to_pydatetime(),
              "status": status, "stages": list(stages), "limit": None if limit is None else int(limit)}
    out = sql.frame(con, "app_case_queue", prepare=decisions(con, policy).register, **params)
    out["due"] = pd.to_datetime(out["due"], utc=True).dt.tz_convert(policy.calendar.timezone)
    return out
