"""Load the project's SQL from ``data/sql/<name>.sql``.

Every statement the project runs lives in a .sql file so it can be read, reviewed and run by
hand; Python only binds values (``$name`` parameters), never formats them into the text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from .columns import CANCELLED_STATUSES

SQL_DIR = Path(__file__).resolve().parent / "sql"

# Values any query may name, bound like the caller's own: one source for a rule several queries
# share (which order statuses mean cancelled).
SHARED_PARAMS = {"cancelled_statuses": list(CANCELLED_STATUSES)}


@cache
def load(name: str) -> str:
    """Return the text of ``sql/<name>.sql``; a KeyError names the missing query."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no SQL query named {name!r} (looked for {path})")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    """All query names, for tests and for readers."""
    return sorted(p.stem for p in SQL_DIR.glob("*.sql"))


def params_for(query: str, values: dict) -> dict:
    """The subset of ``values`` (and of ``SHARED_PARAMS``) a query names as ``$name`` (DuckDB
    rejects unused ones)."""
    code = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("--"))
    values = {**SHARED_PARAMS, **values}
    return {k: values[k] for k in set(re.findall(r"\$(\w+)", code))}


# --- running a named query ------------------------------------------------------------------
# One fresh cursor per query (an unread result blocks its connection), closed however the query
# ends; ``prepare`` readies the cursor first (e.g. ``Decisions.register``: the decision tables
# and the SLA macro), ``tables`` registers Arrow tables / DataFrames under names. Parameters are
# bound, never formatted in: those the query does not name are left out (DuckDB rejects them).

def _run(con, name: str, prepare, tables, params: dict, take):
    cur = con.cursor()
    try:
        if prepare is not None:
            prepare(cur)
        for table_name, table in (tables or {}).items():
            cur.register(table_name, table)
        text = load(name)
        return take(cur, text, params_for(text, params))
    finally:
        cur.close()


def frame(con, name: str, /, *, prepare=None, tables=None, **params):
    """The query's result as a pandas DataFrame."""
    return _run(con, name, prepare, tables, params, lambda cur, text, p: cur.execute(text, p).df())


def arrow(con, name: str, /, *, prepare=None, tables=None, **params):
    """The query's result as an Arrow table (relation API: no extra copy)."""
    return _run(con, name, prepare, tables, params, lambda cur, text, p: cur.sql(text, params=p).to_arrow_table())


def rows(con, name: str, /, *, prepare=None, tables=None, **params) -> list[dict]:
    """The query's rows as dicts (column name -> value)."""
    def take(cur, text, p):
        rel = cur.execute(text, p)
        cols = [d[0] for d in rel.description]
        return [dict(zip(cols, row, strict=True)) for row in rel.fetchall()]
    return _run(con, name, prepare, tables, params, take)


def one(con, name: str, /, *, prepare=None, tables=None, **params) -> dict | None:
    """The query's first row as a dict, or None when it returns none."""
    found = rows(con, name, prepare=prepare, tables=tables, **params)
    return found[0] if found else None
