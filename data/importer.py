"""Import orders or cases from a CSV or Parquet export into the database.

Contract (data-contract.md, "Import"): all-or-nothing in one transaction unless ``skip_bad``;
errors name the line (header = line 1), the column and the value; rows are keyed, so a second
import of the same file changes nothing and a changed row is updated. Validation is set-based
SQL over the whole file (data/sql/import_*.sql), not a Python loop, so a million rows take
seconds. Line numbers are physical lines (``csv_layout.record_lines``): blank lines and line
breaks inside quoted cells count, and a record spanning lines is named by its first line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import sql
from .columns import KEYS, REASONS, REQUESTS, REQUIRED, TABLES, table_columns
from .csv_diagnose import first_problem
from .csv_layout import CsvLayout, check_header, one_column_hint, record_lines, sniff
from .db import DataError, data_version
from .decisions import update_facts_after_write
from .export import to_safe_csv
from .mapping import ColumnMap, parse_map
from .timestamps import register_wall_clock, wall_clock_to_utc

Progress = Callable[[str], None]
MAX_LISTED_ERRORS = 20
PROGRESS_BYTES = 8 << 20  # files larger than this report progress while reading
READ_BLOCK_BYTES = 16 << 20  # the CSV reader's block; records may cross blocks
FLOAT_CENT_TOLERANCE = 5e-6  # a float amount this close to a cent value is that value (float64 ulp at 1e10: 2e-6)


@dataclass
class ImportResult:
    """What an import did; ``errors`` holds every bad cell (line, column, value, reason)."""

    table: str
    path: Path
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejects_path: Path | None = None
    errors: pd.DataFrame = field(default_factory=pd.DataFrame)
    seconds: float = 0.0
    deciding_seconds: float = 0.0  # of ``seconds``: keeping the stored facts current after the write

    def summary(self) -> str:
        text = (f"{self.table}: {self.rows:,} rows read from {self.path.name}: "
                f"{self.inserted:,} inserted, {self.updated:,} updated, {self.unchanged:,} unchanged")
        if self.rejected:
            text += f", {self.rejected:,} rejected (see {self.rejects_path})"
        return text + f" in {self.seconds:.1f} s"


class ImportFailed(DataError):
    """Bad rows in an all-or-nothing import: nothing was written."""

    def __init__(self, path: Path, errors: pd.DataFrame, total: int) -> None:
        self.errors = errors
        self.total = total
        lines = [f"line {r.line}, {cell_columns(r.column, getattr(r, 'file_column', None))}, "
                 f"value {_show(r.value)}: {r.reason}" for r in errors.itertuples()]
        more = f"\n... and {total - len(errors):,} more" if total > len(errors) else ""
        super().__init__(
            f"{path.name}: {total:,} bad cell(s); nothing was imported "
            f"(use --skip-bad to import the good rows):\n  " + "\n  ".join(lines) + more
        )


def cell_columns(column: str, file_column: str | None) -> str:
    """"column order_amount (file: payment_value)": both names when the map renamed it, so the
    person can find the cell in their file and the rule it broke in ours."""
    if file_column and isinstance(file_column, str) and file_column != column:
        return f"column {column} (file: {file_column})"
    return f"column {column}"


def with_file_columns(errors: pd.DataFrame, source: Mapping[str, str]) -> pd.DataFrame:
    """The errors with a ``file_column`` beside ``column``: the file's header for that cell, or
    "(default)" when the map's [defaults] supplied it."""
    named = errors["column"].map(lambda c: source.get(c, "(default)"))
    return errors.assign(file_column=named)[["line", "column", "file_column", "value", "reason"]]


def _show(value) -> str:
    return "blank" if value is None or (isinstance(value, str) and not value.strip()) else repr(value)


# ---------------------------------------------------------------- reading the file
def _csv_layout(path: Path) -> CsvLayout:
    layout = sniff(path)
    if any("\ufffd" in cell for cell in layout.header):  # the header is not UTF-8: say where and how to fix it
        raise _unreadable(path, layout, "the header line is not UTF-8 text")
    return layout


def _unreadable(path: Path, layout: CsvLayout, detail: object) -> DataError:
    where = first_problem(path, layout.delimiter)
    return DataError(f"{path.name} is not a readable CSV file: {where or detail}")


def _read_csv(path: Path, layout: CsvLayout, columns: list[str], progress: Progress | None) -> pa.Table:
    big = progress is not None and path.stat().st_size > PROGRESS_BYTES
    opts = pacsv.ConvertOptions(
        column_types={c: pa.string() for c in columns},
        include_columns=columns,
        strings_can_be_null=False,
    )
    # newlines_in_values: a quoted cell may hold line breaks anywhere in the file, also across the
    # reader's 16 MB blocks (without it a multi-line cell on a block boundary splits its record).
    parse = pacsv.ParseOptions(delimiter=layout.delimiter, newlines_in_values=True)
    read = pacsv.ReadOptions(block_size=READ_BLOCK_BYTES)
    try:
        if not big:
            return pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=opts)
        batches, rows, size, t0 = [], 0, path.stat().st_size, time.monotonic()
        shown = t0
        with pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=opts) as reader:
            for batch in reader:
                batches.append(batch)
                rows += batch.num_rows
                if time.monotonic() - shown < 1.0:
                    continue
                shown = time.monotonic()
                progress(f"read {rows:,} rows of {path.name} ({size / 1e6:,.0f} MB) "
                         f"in {time.monotonic() - t0:.1f} s")
            progress(f"read {rows:,} rows of {path.name} in {time.monotonic() - t0:.1f} s")
            return pa.Table.from_batches(batches, schema=reader.schema)
    except pa.ArrowInvalid as exc:
        raise _unreadable(path, layout, exc) from None


def _parquet_schema(path: Path) -> pa.Schema:
    try:
        return pq.read_schema(path)
    except (pa.ArrowException, OSError) as exc:
        raise DataError(f"{path.name} is not a readable Parquet file ({str(exc).splitlines()[0]})") from None


def _check_parquet_type(path: Path, name: str, t: pa.DataType) -> None:
    """One value per cell: nested columns cannot feed a column of ours."""
    kinds = ((pa.types.is_list, "a list"), (pa.types.is_large_list, "a list"), (pa.types.is_fixed_size_list, "a list"),
             (pa.types.is_struct, "a struct"), (pa.types.is_map, "a map"), (pa.types.is_union, "a union"),
             (pa.types.is_dictionary, None))
    for test, word in kinds:
        if test(t):
            if word is None and not pa.types.is_nested(t.value_type):
                return
            raise DataError(f"{path.name}: column {name} is {word or 'a nested'} column ({t}); "
                            "each cell must hold one value (text, number, boolean or timestamp)")


def _as_text(col: pa.ChunkedArray, zone: str, name: str = "", money: bool = False) -> pa.ChunkedArray:
    """Parquet columns come typed; turn them into the text the SQL reads (instants keep their offset).

    A binary float cannot hold 18.99 exactly (a sum may be 18.990000000000002): an amount within
    a few millionths of a cent value is written as that value; one further off (12.345) keeps
    its digits, and the SQL refuses it rather than rounding it away."""
    t = col.type
    if money and pa.types.is_floating(t):
        cents = pc.round(col, 2)
        near = pc.less_equal(pc.abs(pc.subtract(col, cents)), FLOAT_CENT_TOLERANCE)
        col = pc.if_else(near, cents, col)
    if pa.types.is_timestamp(t):
        if t.tz is None:  # wall-clock times: the policy engine's one reading
            col = wall_clock_to_utc(col, zone)
        col = pc.strftime(pc.cast(col, pa.timestamp("us", tz="UTC")), format="%Y-%m-%dT%H:%M:%S+00:00")
        return col
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return col
    try:
        return pc.cast(col, pa.string())
    except pa.ArrowInvalid:
        if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
            raise DataError(f"column {name} holds bytes that are not UTF-8 text; export it as text") from None
        raise
    except pa.ArrowNotImplementedError:
        raise DataError(f"column {name} has the type {t}, which cannot be read as text") from None


def _sources(path: Path, table: str, cmap: ColumnMap, file_cols: list[str]) -> dict[str, str]:
    """canonical column -> file column; a mapped or canonical name is matched ignoring case and
    surrounding spaces, and one the header holds twice is refused naming both."""
    canon = table_columns(table)
    extra = [cmap.cancelled_when or "", cmap.replied_minutes or ""]
    wanted = {src.strip().lower() for src in [*cmap.columns.values(), *extra]} | set(canon)
    try:
        check_header(file_cols, {c for c in file_cols if c.strip().lower() in wanted})
    except DataError as exc:
        raise DataError(f"{path.name}: {exc}") from None
    lower = {c.strip().lower(): c for c in file_cols}
    source: dict[str, str] = {}
    missing_mapped = []
    for name, src in cmap.columns.items():
        if src in file_cols:
            source[name] = src
        elif src.strip().lower() in lower:
            source[name] = lower[src.strip().lower()]
        else:
            missing_mapped.append(f"{src} (for {name})")
    if cmap.columns and len(missing_mapped) == len(cmap.columns):
        raise DataError(f"{path.name} has none of the mapped columns "
                        f"({', '.join(missing_mapped)}); its columns are: {', '.join(file_cols)}")
    if missing_mapped:
        raise DataError(f"{path.name} lacks mapped column(s): {', '.join(missing_mapped)}")
    for name in canon:  # unmapped canonical names present in the file are taken as they are
        if name not in source and name.lower() in lower and lower[name.lower()] not in source.values():
            source[name] = lower[name.lower()]
    return source


def _stage(path: Path, table: str, cmap: ColumnMap, zone: str,
           progress: Progress | None) -> tuple[pa.Table, set[str], dict[str, str]]:
    """Read the file into a text table with canonical column names; return it, the columns it
    supplies and, for each canonical column read from the file, the file's column."""
    if not path.exists():
        raise DataError(f"{path} not found")
    if path.is_dir() or path.stat().st_size == 0:
        raise DataError(f"{path} is empty" if not path.is_dir() else f"{path} is a folder, not a file")
    canon = table_columns(table)
    parquet = path.suffix.lower() == ".parquet"
    layout = None
    if parquet:
        schema = _parquet_schema(path)
        file_cols = list(schema.names)
    else:
        layout = _csv_layout(path)
        file_cols = list(layout.header)
    source = _sources(path, table, cmap, file_cols)
    if not source:
        hint = one_column_hint(layout) if layout else ""
        raise DataError(f"{path.name} has none of the {table} columns ({', '.join(canon)}); "
                        f"its columns are: {', '.join(file_cols)}. Use --map to name them.{hint}")
    absent = [c for c in REQUIRED[table] if c not in source and c not in cmap.defaults]
    if absent:
        raise DataError(f"{path.name} has no column for {', '.join(absent)} (required); "
                        "map it in [columns] or give a value in [defaults]")

    def find(name: str | None, key: str) -> str | None:
        if not name:
            return None
        found = [c for c in file_cols if c.strip().lower() == name.strip().lower()]
        if not found:
            raise DataError(f"{path.name} lacks the column {name} ({key})")
        return found[0]

    cancel_src = find(cmap.cancelled_when, "status.cancelled_when")
    minutes_src = find(cmap.replied_minutes, "minutes_after_request.replied_at")
    wanted = sorted(set(source.values()) | {c for c in (cancel_src, minutes_src) if c})
    if parquet:
        for name in wanted:
            _check_parquet_type(path, name, schema.field(name).type)
        try:
            raw = pq.read_table(path, columns=wanted)
        except (pa.ArrowException, OSError) as exc:
            raise DataError(f"{path.name} cannot be read as Parquet ({str(exc).splitlines()[0]})") from None
    else:
        raw = _read_csv(path, layout, wanted, progress)
    n = raw.num_rows
    if n == 0:
        raise DataError(f"{path.name} has a header but no data rows")
    if parquet:
        lines = pa.array(range(2, n + 2), pa.int64())
    else:
        starts = record_lines(path, layout, n)
        if starts is None:
            raise _unreadable(path, layout, "its records cannot be matched to its lines")
        lines = pa.array(starts)
    arrays = {"line": lines}
    for name in canon:
        if name in source:
            try:
                arrays[name] = _as_text(raw.column(source[name]), zone, source[name],
                                        money=TABLES[table][name] == "money")
            except DataError as exc:
                raise DataError(f"{path.name}: {exc}") from None
        elif name in cmap.defaults:
            arrays[name] = pa.array([cmap.defaults[name]] * n, pa.string())
        else:
            arrays[name] = pa.nulls(n, pa.string())
    supplied = set(source) | set(cmap.defaults)
    if table == "cases":
        arrays["replied_minutes"] = (_as_text(raw.column(minutes_src), zone, minutes_src) if minutes_src
                                     else pa.nulls(n, pa.string()))
        if minutes_src:
            supplied.add("replied_at")
            source = {**source, "replied_at": minutes_src}
    if cancel_src:
        source = {**source, "status": source.get("status", cancel_src)}
        cancelled = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(_as_text(raw.column(cancel_src), zone)), ""), False)
        arrays["status"] = pc.if_else(cancelled, pa.scalar("cancelled"), arrays["status"])
        supplied.add("status")
    staged = pa.table(arrays)
    if cmap.several_per_key:
        staged = _one_row_per_key(staged, KEYS[table], path, cmap)
    return staged, supplied, source


def _one_row_per_key(staged: pa.Table, key: str, path: Path, cmap: ColumnMap) -> pa.Table:
    """Rows sharing a key become one record named by its first line (Shopify writes one row per
    line item, the order's own fields on its first row only): each column takes the first
    non-blank cell in file order. Two different non-blank cells for one record are refused naming
    both lines, so a map that points at a per-line-item column (a line item's price) is caught.
    Rows with a blank key stay as they are (the checks name them)."""
    blank = pa.nulls(1, pa.string())[0]
    cols = {}
    for name in staged.column_names:
        col = staged.column(name)
        if name != "line":
            col = pc.if_else(pc.equal(pc.utf8_trim_whitespace(col), ""), blank, col)
        cols[name] = col
    table = pa.table(cols)
    keyed = pc.is_valid(table.column(key))
    grouped_rows, loose = table.filter(keyed), table.filter(pc.invert(keyed))
    others = [c for c in table.column_names if c not in ("line", key)]
    grouped = grouped_rows.group_by(key, use_threads=False).aggregate(
        [("line", "min")] + [(c, "first") for c in others] + [(c, "count_distinct") for c in others])
    for name in others:
        clash = pc.greater(grouped.column(f"{name}_count_distinct"), 1)
        if pc.any(clash).as_py():
            record = grouped.filter(clash).slice(0, 1)
            ident = record.column(key)[0].as_py()
            first_line = record.column("line_min")[0].as_py()
            first_value = record.column(f"{name}_first")[0].as_py()
            rows = grouped_rows.filter(pc.equal(grouped_rows.column(key), ident))
            other = rows.filter(pc.and_(pc.is_valid(rows.column(name)), pc.not_equal(rows.column(name), first_value)))
            source = cmap.columns.get(name, name)
            raise DataError(
                f"{path.name}: line {other.column('line')[0].as_py()}, column {source}, value "
                f"{other.column(name)[0].as_py()!r}: differs from {first_value!r} on line {first_line}, the first row "
                f"of {key} {ident}; rows of one {key} must agree (is {source} a per-line-item column?)")
    merged = pa.table({"line": grouped.column("line_min"), key: grouped.column(key),
                       **{c: grouped.column(f"{c}_first") for c in others}}).select(table.column_names)
    out = pa.concat_tables([merged, loose.select(table.column_names)])
    return out.take(pc.sort_indices(out.column("line")))


# ---------------------------------------------------------------- validating and writing
def _write_rejects(cur: duckdb.DuckDBPyConnection, path: Path, staged: pa.Table, cmap: ColumnMap) -> Path:
    bad = cur.execute(sql.load("import_bad_lines")).df()
    src = staged.to_pandas(types_mapper=pd.ArrowDtype).set_index("line")
    rows = src.loc[bad["line"].to_numpy()]
    if "replied_minutes" in rows.columns and not cmap.replied_minutes:
        rows = rows.drop(columns="replied_minutes")
    back = {canon: cmap.columns.get(canon, canon) for canon in rows.columns}
    back["replied_minutes"] = cmap.replied_minutes or "replied_minutes"
    rows = rows.rename(columns=back).reset_index()
    rows.insert(1, "reason", bad["reason"].to_numpy())
    out = path.with_name(path.name + ".rejects.csv")
    try:
        out.write_bytes(to_safe_csv(rows))  # customers' text: formula cells neutralised, as every export
    except OSError as exc:
        raise DataError(f"cannot write the rejected rows to {out} ({exc.strerror or exc}); nothing was imported. "
                        "Copy the file to a folder you may write to, or import without --skip-bad to see "
                        "the bad rows") from None
    return out


def _rollback(cur: duckdb.DuckDBPyConnection) -> None:
    """Undo the import's transaction; when the failure already ended it (a commit that could not
    write, a database invalidated by an earlier fatal error) there is nothing to undo, and the
    caller reports the failure itself rather than "no transaction is active"."""
    try:
        cur.rollback()
    except duckdb.Error:
        pass


def import_file(
    con: duckdb.DuckDBPyConnection,
    table: str,
    path: str | Path,
    mapping: ColumnMap | Mapping | None = None,
    skip_bad: bool = False,
    *,
    timezone: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import ``path`` (CSV or Parquet) into ``table`` ('orders' or 'cases').

    ``mapping`` is a ColumnMap, a parsed map TOML dict, or None (file columns named as ours).
    Naive timestamps are read in the map's zone, else ``timezone``, else the policy's zone.
    Raises ImportFailed (nothing written) on bad rows unless ``skip_bad``, DataError for an
    unusable file; the caller shows the message as it is.
    """
    t0 = time.monotonic()
    path = Path(path)
    table_columns(table)
    cmap = mapping if isinstance(mapping, ColumnMap) else parse_map(mapping or {}, table)
    if cmap.timezone:
        zone = cmap.timezone
    elif timezone:
        zone = timezone
    else:
        from policy import load_policy

        zone = load_policy().calendar.timezone
    staged, supplied, source = _stage(path, table, cmap, zone, progress)
    n = staged.num_rows
    if progress and n >= 200_000:
        progress(f"validating {n:,} rows")
    ts_hint = "not a timestamp" + (f" in the format {cmap.ts_format}" if cmap.ts_format else " (ISO 8601 expected)")
    values: dict[str, object] = {
        "fmt": cmap.ts_format, "zone": zone, "ts_hint": ts_hint, "dec_comma": cmap.decimal == ",",
        "requests": list(REQUESTS), "reasons": list(REASONS), "limit": MAX_LISTED_ERRORS,
    }
    values.update({f"has_{c}": c in supplied for c in table_columns(table)})

    before = data_version(con)
    written = None
    cur = con.cursor()
    register_wall_clock(cur)
    cur.register("import_src", staged)
    try:
        cur.begin()
        try:
            for name in ("import_macros", f"import_{table}_parse", f"import_{table}_errors"):
                q = sql.load(name)
                cur.execute(q, sql.params_for(q, values))
            q = sql.load("import_errors_list")
            listed = cur.execute(q, sql.params_for(q, values)).df()
            total = int(listed["total"].iloc[0]) if len(listed) else 0
            result = ImportResult(table=table, path=path, rows=n)
            if total and not skip_bad:
                raise ImportFailed(path, with_file_columns(listed.drop(columns="total"), source), total)
            if total:
                result.errors = with_file_columns(cur.execute(sql.load("import_errors_all")).df(), source)
                result.rejected = int(result.errors["line"].nunique())
                result.rejects_path = _write_rejects(cur, path, staged, cmap)
            if progress and n >= 200_000:
                progress(f"writing {n - result.rejected:,} rows")
            q = sql.load(f"import_{table}_stage")
            cur.execute(q, sql.params_for(q, values))
            ins, upd = cur.execute(sql.load("import_write_counts")).fetchall()[0]
            result.inserted, result.updated = int(ins), int(upd)
            result.unchanged = n - result.rejected - result.inserted - result.updated
            if ins or upd:
                written = cur.sql(sql.load(f"import_written_{table}")).to_arrow_table()
                cur.execute(sql.load(f"import_{table}_write"))
                cur.execute(sql.load("bump_data_version"))
            cur.commit()
        except BaseException:
            _rollback(cur)
            raise
    except duckdb.Error as exc:
        raise DataError(f"import of {path.name} failed, nothing was imported: {exc}") from None
    finally:
        try:
            cur.unregister("import_src")
            cur.close()
        except duckdb.Error:  # the connection is already unusable; the failure above says why
            pass
    if written is not None:
        if progress and n >= 200_000:
            progress(f"deciding {written.num_rows:,} written rows")
        t_decide = time.monotonic()
        update_facts_after_write(con, before, **{f"written_{table}": written})
        result.deciding_seconds = time.monotonic() - t_decide
    result.seconds = time.monotonic() - t0
    return result
