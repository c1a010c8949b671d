"""Find cases by id, and hand one case to the policy engine as ``policy.decide`` reads it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import duckdb
import pandas as pd

from . import sql

PROVIDED = (("has_order_number", "order_number"), ("has_shipping_address", "shipping_address"),
            ("has_media", "media"))


def case_lookup(con: duckdb.DuckDBPyConnection, text: str, limit: int = 50) -> pd.DataFrame:
    """Cases whose case id or order id contains ``text`` (any case), most recent first."""
    return sql.frame(con, "case_lookup", text=(text or "").strip(), limit=int(limit))


def case_row(con: duckdb.DuckDBPyConnection, case_id: str, zone: str | None = None) -> Mapping[str, Any] | None:
    """The case as policy.decide takes it (``provided`` built from the has_* columns), or None.

    Timestamps come back tz-aware (in ``zone`` when given), money as Decimal.
    """
    row = sql.one(con, "case_row", case_id=case_id)
    if row is None:
        return None
    row["provided"] = [name for col, name in PROVIDED if row.pop(col) is not False]
    for key, value in list(row.items()):
        if value is None and key not in ("reason",):
            del row[key]  # absent = unknown / default, as the engine expects
        elif zone and hasattr(value, "astimezone"):
            row[key] = pd.Timestamp(value).tz_convert(zone).to_pydatetime()
    return row
