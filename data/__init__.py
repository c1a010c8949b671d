"""Returns Desk case data: DuckDB store, sample data, import, decisions, SLA stages and reports.

No Streamlit here: the app's pages and the ``python -m data`` command call the same functions.
"""

from .db import DatabaseLocked, DataError, connect, default_path

__all__ = ["DataError", "DatabaseLocked", "connect", "default_path"]
