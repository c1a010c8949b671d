"""The DuckDB engine of ``python -m data facts --out``: orders and cases from files, decided in
this process, written as a facts folder (``data.facts_files``).

The input goes through the importer (``data.importer.import_file``) into an in-memory
database, so a CSV is read with the same maps and every file gets the same checks as ``python
-m data import``: a bad row is named by file, line and column, and nothing is written. Parquet
columns are first checked for a type that can hold the column (``check_parquet_columns``).
The facts are then decided by the same ``compute`` as the stored facts, so the folder holds
exactly what a database would store. ``write_facts`` has the signature of the Spark engine's
(``data.spark_facts.write_facts``), plus the maps.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .columns import BOOL, MONEY, TABLES, TEXT, TS
from .db import DataError, connect
from .facts_files import write_folder
from .mapping import ColumnMap

Progress = Callable[[str], None]
INPUT_SUFFIXES = (".parquet", ".csv")


def input_files(path: str | os.PathLike, table: str) -> list[Path]:
    """The files of one input: a CSV or Parquet file, or a folder of Parquet files (as Spark and
    warehouses export them: any depth, hidden and underscore files such as _SUCCESS left out)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise DataError(f"{table}: {path} not found")
    if path.is_file():
        if path.suffix.lower() not in INPUT_SUFFIXES:
            raise DataError(f"{table}: {path} is neither a .parquet nor a .csv file")
        return [path]
    files = sorted(p for p in path.rglob("*.parquet")
                   if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts))
    if not files:
        raise DataError(f"{table}: the folder {path} holds no .parquet files")
    return files


# Arrow types a Parquet column may have to feed one of our columns (the importer reads each as text).
ACCEPTED: dict[str, tuple[Callable[[pa.DataType], bool], str]] = {
    TS: (lambda t: pa.types.is_timestamp(t) or pa.types.is_date(t) or pa.types.is_string(t)
         or pa.types.is_large_string(t), "a timestamp (or ISO 8601 text)"),
    MONEY: (lambda t: pa.types.is_decimal(t) or pa.types.is_integer(t) or pa.types.is_floating(t)
            or pa.types.is_string(t) or pa.types.is_large_string(t), "an amount (decimal, integer or text)"),
    BOOL: (lambda t: pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_string(t)
           or pa.types.is_large_string(t), "a boolean"),
    TEXT: (lambda t: pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_integer(t),
           "text (or an integer id)"),
}


def check_parquet_columns(path: Path, table: str, cmap: ColumnMap | None) -> None:
    """Refuse a Parquet file whose column for one of ours has a type that cannot hold it (a
    timestamp stored as a number, an amount as a timestamp), naming the file and the column."""
    try:
        parquet = pq.ParquetFile(path)
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"{path} is not a readable Parquet file ({str(exc).splitlines()[0]})") from None
    # Spark's legacy INT96 timestamps are instants in UTC, but carry no zone: the importer would
    # read them as local wall-clock times, hours off. Refuse them rather than shift every time.
    int96 = {parquet.schema.column(i).path for i in range(len(parquet.schema))
             if parquet.schema.column(i).physical_type == "INT96"}
    by_name = {name.strip().lower(): name for name in schema.names}
    for column, kind in TABLES[table].items():
        source = (cmap.columns.get(column) if cmap else None) or column
        found = by_name.get(source.strip().lower())
        if found is None:
            continue  # absent: the importer fills a default or names the required column
        if found in int96:
            raise DataError(f"{path}: column {found} holds INT96 timestamps (Spark's legacy format: instants without "
                            "a zone, which would be read as local times); write them as TIMESTAMP_MICROS "
                            "(spark.sql.parquet.outputTimestampType) or as text with an offset")
        t = schema.field(found).type
        if pa.types.is_dictionary(t):
            t = t.value_type
        accepts, wanted = ACCEPTED[kind]
        if not accepts(t):
            named = column if found == column else f"{found} (for {column})"
            raise DataError(f"{path}: column {named} is {t}; {table}.{column} needs {wanted}")


def load_inputs(con, orders: str | os.PathLike, cases: str | os.PathLike, *, policy,
                orders_map: ColumnMap | None = None, cases_map: ColumnMap | None = None,
                progress: Progress | None = None) -> dict[str, int]:
    """Import every orders file, then every cases file (a case's order must be known) into
    ``con``, with the importer's all-or-nothing checks. Naive timestamps are read in the map's
    zone, else the policy's. An id repeated in two files of one input is refused (the files are
    one table; an import would silently keep the later row). Returns the rows per table."""
    from .importer import import_file

    counts = {}
    for table, path, cmap in (("orders", orders, orders_map), ("cases", cases, cases_map)):
        files = input_files(path, table)
        counts[table] = 0
        for file in files:
            if file.suffix.lower() == ".parquet":
                check_parquet_columns(file, table, cmap)
            result = import_file(con, table, file, cmap, timezone=policy.calendar.timezone, progress=progress)
            if result.updated or result.unchanged:
                raise DataError(f"{file}: {result.updated + result.unchanged:,} {table} repeat ids of an earlier "
                                f"file of {path}; each id must appear once across the files")
            counts[table] += result.inserted
            if progress and len(files) > 1:
                progress(f"{table}: {file.name}: {result.inserted:,} rows")
    return counts


def decided_tables(con, policy) -> dict[str, pa.Table]:
    """The four fact tables of everything in ``con`` under ``policy``, as the facts folder holds
    them: ``compute``'s tables, each case's decision with its case's week."""
    from .decisions import compute

    decided = compute(con, policy)
    case_ids = decided.case_facts.column("case_id")
    if not decided.cases.column("case_id").equals(case_ids):  # compute builds both from one batch
        raise AssertionError("case facts and decisions are not in the same order")
    return {"stage_facts": decided.stage_facts, "case_facts": decided.case_facts,
            "case_decisions": decided.cases.append_column("week", decided.case_facts.column("week")),
            "order_counts": decided.order_counts}


def write_facts(orders_path, cases_path, policy, out, *, orders_map: ColumnMap | None = None,
                cases_map: ColumnMap | None = None, progress: Progress | None = None) -> dict:
    """Decide the orders and cases at ``orders_path`` / ``cases_path`` under ``policy`` and write
    the facts folder ``out`` (replacing a facts folder there). On any error nothing is written.
    Returns what was done: rows read and written, seconds per step."""
    from .freshness import data_freshness

    t0 = time.perf_counter()
    con = connect(":memory:")
    try:
        read = load_inputs(con, orders_path, cases_path, policy=policy, orders_map=orders_map,
                           cases_map=cases_map, progress=progress)
        t1 = time.perf_counter()
        tables = decided_tables(con, policy)
        fresh = data_freshness(con)
    finally:
        con.close()
    t2 = time.perf_counter()
    write_folder(out, tables, policy, "duckdb", fresh)
    t3 = time.perf_counter()
    return {"read": read, "written": {name: t.num_rows for name, t in tables.items()},
            "seconds": {"read": t1 - t0, "decide": t2 - t1, "write": t3 - t2}}

