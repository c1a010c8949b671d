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


def order_row(con: duckdb.DuckDBPyConnection, order_id: str, zone: str | None = None) -> dict[str, Any] | None:
    """One order by its exact id (any case), with ``cases`` (how many it has), or None.
    Timestamps tz-aware (in ``zone`` when given), missing ones None."""
    row = sql.one(con, "order_row", order_id=(order_id or "").strip())
    if row is None:
        return None
    for key, value in row.items():
        if zone and value is not None and hasattr(value, "astimezone"):
            row[key] = pd.Timestamp(value).tz_convert(zone).to_pydatetime()
    return row


def order_search(con: duckdb.DuckDBPyConnection, text: str, limit: int = 50) -> pd.DataFrame:
    """Orders without a case whose id contains ``text`` (any case), most recently placed first."""
    return sql.frame(con, "order_search", text=(text or "").strip(), limit=int(limit))


def store_categories(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The categories the store's orders use, most orders first."""
    return [r["category"] for r in sql.rows(con, "store_categories")]
