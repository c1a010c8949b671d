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
    cur = con.cursor()
    try:
        rel = cur.execute(sql.load("app_case_events"), {"case_id": str(case_id)})
        cols = [d[0] for d in rel.description]
        rows = rel.fetchall()
    finally:
        cur.close()
    if not rows:
        return None
    row = dict(zip(cols, rows[0]))
    if zone:
        for key, value in row.items():
            if value is not None and hasattr(value, "astimezone"):
                row[key] = pd.Timestamp(value).tz_convert(zone).to_pydatetime()
    return row
