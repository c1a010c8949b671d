"""Whole-table results kept in the database per data version, so reading them again (the first
view after the app restarts, the next ``report``) costs one row, not a scan of every order.

A kept result is a named query's Arrow table, stored with the data version it was computed for
(``data.db.data_version``: every write changes it); read under any other version it is computed
again and kept in place of the old one. The version is read before the result is computed, so a
write between the two leaves a result under a version no later read asks for. A file that
cannot be written (opened read-only, or another session writing the same row) just computes it.

Used for the checks that read every row of orders and cases: how fresh the data is
(``data.freshness``) and the data-quality findings (``data.quality``).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from . import sql
from .db import data_version


def kept(con: duckdb.DuckDBPyConnection, name: str, compute: Callable[[], pa.Table]) -> pa.Table:
    """The result ``name`` for the data as it is now: the kept one when it is current, else
    ``compute()``, kept for next time when the file can be written."""
    version = data_version(con)
    try:
        found = sql.rows(con, "kept_read", name=name, data_version=version)
    except duckdb.CatalogException:  # nothing kept in this file yet
        found = []
    if found:
        return pa.ipc.open_stream(found[0]["payload"]).read_all()
    table = compute()
    _keep(con, name, version, table)
    return table


def _keep(con: duckdb.DuckDBPyConnection, name: str, version: str, table: pa.Table) -> None:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    cur = con.cursor()
    try:
        cur.execute(sql.load("kept_schema"))
        cur.execute(sql.load("kept_write"), {"name": name, "data_version": version,
                                             "payload": sink.getvalue().to_pybytes()})
    except duckdb.Error:  # read-only file, or a concurrent writer: computed again next time
        pass
    finally:
        cur.close()
