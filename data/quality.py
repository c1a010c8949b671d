"""Data-quality findings: what a real export gets wrong (deliveries before shipping, missing
dates, zero amounts, ...), counted with examples so the app shows them instead of hiding them."""

from __future__ import annotations

import duckdb
import pandas as pd

from . import sql
from .kept import kept


def data_quality_findings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per check: check, description, count, examples (list of ids, at most five).
    A scan of every order and case, kept per data version (``data.kept``)."""
    out = kept(con, "data_quality", lambda: sql.arrow(con, "data_quality")).to_pandas()
    out = out.rename(columns={"check_name": "check"})
    out["examples"] = out["examples"].map(lambda v: [] if v is None or v is pd.NA else list(v))
    return out
