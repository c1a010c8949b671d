"""Formula-safe CSV export (CWE-1236, "CSV injection").

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs,
a tab or carriage return) as a formula. Case data contains text typed by customers and agents,
so every text cell that starts with one of those characters is written with a leading ``'``,
which spreadsheets show as plain text. Numbers, booleans and timestamps are written as they are:
they cannot hold a formula, and a negative refund must stay a number.
"""

from __future__ import annotations

import io

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """One value made safe: text starting with a formula character gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    return (isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype)
            or pd.api.types.is_object_dtype(dtype))


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells (and column names) are formula-safe."""
    out = frame.copy()
    for name in out.columns:
        if not _is_text(out[name]):
            continue
        col = out[name].astype(object)
        risky = out[name].astype("string").str.startswith(FORMULA_START).fillna(False).to_numpy(bool)
        if risky.any():
            col[risky] = "'" + col[risky].astype(str)
        out[name] = col
    out.columns = [safe_cell(str(c)) for c in out.columns]
    return out


def to_safe_csv(frame: pd.DataFrame, *, index: bool = False) -> bytes:
    """``frame`` as UTF-8 CSV bytes (with BOM, so spreadsheets read accents), CRLF lines, safe cells."""
    buf = io.StringIO()
    safe_frame(frame).to_csv(buf, index=index, lineterminator="\r\n")  # RFC 4180; quotes a lone CR too
    return buf.getvalue().encode("utf-8-sig")
