"""Open (and on first use create) the Returns Desk DuckDB database.

The app and the command line share one file. Its default lives under ``<repo>/var/`` (not
tracked by git) and is built from the seeded sample on first use so a new user sees a working
app at once; ``RETURNS_DESK_DB`` or ``--db`` points elsewhere.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import duckdb

from . import sql

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = REPO_ROOT / "var" / "returns_desk.duckdb"
ENV_VAR = "RETURNS_DESK_DB"


class DataError(Exception):
    """An error meant for a person: the CLI prints its message, never a traceback."""


class DatabaseLocked(DataError):
    """Another process holds the database file open for writing."""


def default_path() -> Path:
    """The database path: $RETURNS_DESK_DB if set, else ``var/returns_desk.duckdb``."""
    env = os.environ.get(ENV_VAR, "").strip()
    return Path(env).expanduser() if env else DEFAULT_DB


def resolve_path(path: str | os.PathLike | None = None) -> Path:
    """An explicit path (``--db``) wins over the environment and the default."""
    return Path(path).expanduser() if path else default_path()


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        con = duckdb.connect(str(path), read_only=read_only)
        con.execute(sql.load("session_settings"))
        return con
    except duckdb.IOException as exc:  # DuckDB reports a held lock as an IO error
        text = str(exc)
        if "lock" in text.lower():
            holder = ""
            if "PID" in text:
                holder = " (held by process " + text.split("PID", 1)[1].split(")")[0].strip() + ")"
            raise DatabaseLocked(
                f"The database {path} is in use by another process{holder}. "
                "Close the other program (or the app) and try again, or use another file with --db."
            ) from None
        raise DataError(f"Cannot open the database {path}: {text}") from None
    except duckdb.Error as exc:
        raise DataError(f"Cannot open the database {path}: {exc}") from None


# The columns that make a file ours: a database with other tables and not these is another program's.
OUR_TABLES = {"orders": {"order_id", "placed_at"}, "cases": {"case_id", "order_id", "requested_at"}}


def check_ours(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
    """Refuse, untouched, a database another program made: it must be empty or hold our
    ``orders`` and ``cases`` tables (an older file of ours may lack the rest). True when empty."""
    tables = {name: set(cols) for name, cols in con.cursor().execute(sql.load("database_tables")).fetchall()}
    if not tables:
        return True
    ours = all(name in tables and need <= tables[name] for name, need in OUR_TABLES.items())
    if not ours:
        listed = ", ".join(sorted(tables)[:8]) + (", ..." if len(tables) > 8 else "")
        raise DataError(f"{path} is not a Returns Desk database (it holds the tables {listed}); it was left "
                        "untouched. Choose a Returns Desk database, an empty one, or a new file with `python -m data "
                        "sample --db PATH`.")
    return False


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables if they are missing (idempotent)."""
    con.cursor().execute(sql.load("schema"))


def connect(
    path: str | os.PathLike | None = None,
    *,
    read_only: bool = False,
    create_sample: bool = True,
    quiet: bool = False,
    create: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open the database, creating it from the built-in sample when the file does not exist.

    ``create_sample=False`` creates an empty database instead (imports into a new file).
    ``create=False`` (the app, ``report``): a missing file is an error naming the path, except
    the built-in default (``var/returns_desk.duckdb``), which is made from the sample on first use.
    A file another program made is refused untouched unless it is empty (``check_ours``).
    Raises DatabaseLocked / DataError with a message fit to show a person.
    """
    target = resolve_path(path)
    if str(target) == ":memory:":
        con = _connect(target, False)
        ensure_schema(con)
        return con
    if not target.exists() and not create and target.resolve() != DEFAULT_DB.resolve():
        raise DataError(f"There is no database at {target}. Give the path of an existing Returns Desk database "
                        "(`python -m data sample --db PATH` makes one from the sample data; "
                        "`python -m data import ... --db PATH` makes one from your export).")
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        con = _connect(target, False)
        ensure_schema(con)
        if create_sample:
            from .sample import load_sample  # local import: only needed on first use

            if not quiet:
                print(f"Creating {target} from the built-in sample data...", file=sys.stderr)
            load_sample(con)
        if read_only:
            con.close()
            con = _connect(target, True)
        return con
    con = _connect(target, read_only)
    try:
        empty = check_ours(con, target)
    except BaseException:
        con.close()
        raise
    if not read_only:
        ensure_schema(con)
    elif empty:  # an empty file opened read-only: give it our tables first, so queries find them
        con.close()
        writer = _connect(target, False)
        ensure_schema(writer)
        writer.close()
        con = _connect(target, True)
    return con


def holds_sample(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the built-in sample data was written into this database (``load_sample``)."""
    try:
        return bool(con.cursor().execute(sql.load("sample_marked")).fetchall())
    except duckdb.CatalogException:  # an old file without the meta table
        return False


def data_version(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever orders or cases are written: the token bump_data_version.sql writes
    (every write in data/ bumps it) plus row counts and highest rowids (data_version.sql)."""
    rows = con.cursor().execute(sql.load("data_version")).fetchall()
    return rows[0][0] if rows else ""


def data_version_token(con: duckdb.DuckDBPyConnection) -> str:
    """Only the token every write in data/ bumps (the first part of ``data_version``): a one-row
    read, for asking again cheaply whether this process has written since ``data_version``."""
    rows = con.cursor().execute(sql.load("data_version_token")).fetchall()
    return rows[0][0] if rows else ""


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How many orders and cases the database holds."""
    row = sql.one(con, "table_counts")
    return {"orders": int(row["orders"]), "cases": int(row["cases"])}


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(sql.load("bump_data_version"))


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame) -> int:
    """Upsert already-typed rows (a DataFrame or Arrow table with our column names) into
    ``orders`` or ``cases``; for programs and tests (files go through data.importer)."""
    if table not in ("orders", "cases"):
        raise ValueError(f"unknown table {table!r}")
    from .decisions import update_facts_after_write  # local: decisions imports this module

    before = data_version(con)
    cur = con.cursor()
    cur.register("frame_rows", frame)
    try:
        cur.begin()
        written = cur.sql(sql.load(f"frame_written_{table}")).to_arrow_table()
        cur.execute(sql.load(f"insert_{table}_frame"))
        cur.execute(sql.load("bump_data_version"))
        cur.commit()
    except Exception:
        cur.rollback()
        raise
    finally:
        cur.unregister("frame_rows")
        cur.close()
    update_facts_after_write(con, before, **{f"written_{table}": written})
    return len(frame)
