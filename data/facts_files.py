"""The facts folder: the stored facts as Parquet partitioned by week, written by either engine
(DuckDB in-process, ``data.duckdb_facts``; Apache Spark, ``data.spark_facts``) and read by the
report and the app in place of the facts stored in a database.

Layout (``DIR``)::

    manifest.json   {"format": FORMAT, "engine": "duckdb" | "spark", "fingerprint": ...,
                     "rows": {table: n}, "written_at": ISO 8601, "data_until": {...}}
    policy.toml     the policy the facts were decided under (``policy.to_toml()``)
    <table>/week=YYYY-MM-DD/<any>.parquet       one folder per table of ``TABLES``

Each table's files hold its declared columns (``TABLES``) except ``week``, which is the Hive
partition (``week=__HIVE_DEFAULT_PARTITION__`` for a null week, as Spark writes it; with
validated input no week is null: orders need placed_at, cases requested_at). ``case_decisions``
is ``decision_schema()`` plus the case's week (from case_facts). ``data_until`` (the latest
event, order and case in the input, as ``data.freshness`` reads them from a database) is what
lets the report mark a week complete as ``report --db`` does; a folder without it reads, and
its weeks are then judged by the as-of time alone.

A folder is written beside its final place and renamed into it, manifest.json last, so a
reader never sees a half-written folder as complete (``staging_folder``, ``write_manifest``,
``publish``; ``write_folder`` does all three for Arrow tables). Reading checks the manifest,
the policy's fingerprint, every file's columns and types and the row counts, each failure one
sentence naming the file (``open_folder``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
import weakref
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from . import sql
from .db import DataError
from .facts import CASE_FACTS_SCHEMA, STAGE_SCHEMA, conform, decision_schema
from .freshness import Freshness
from .sla import define_rule

FORMAT = "returns-desk-facts/1"
ENGINES = ("duckdb", "spark")
MANIFEST = "manifest.json"
POLICY_FILE = "policy.toml"
PARTITION = "week"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
# facts_order_counts.sql's columns
ORDER_COUNTS_SCHEMA = pa.schema([("day", pa.date32()), ("week", pa.date32()), ("category", pa.string()),
                                 ("country", pa.string()), ("orders", pa.int64())])
# Every table's columns as read back (the partition column included, where the database's
# stored facts have it); a file holds them all but ``week``.
TABLES: dict[str, pa.Schema] = {
    "stage_facts": STAGE_SCHEMA,
    "case_facts": CASE_FACTS_SCHEMA,
    "case_decisions": decision_schema().append(pa.field(PARTITION, pa.date32())),
    "order_counts": ORDER_COUNTS_SCHEMA,
}
FRESHNESS_KEYS = ("latest_event", "latest_order", "latest_case")
# Each table's key: its rows in this order are the same whichever engine wrote them.
TABLE_KEYS = {"stage_facts": ("stage", "item_id"), "case_facts": ("case_id",), "case_decisions": ("case_id",),
              "order_counts": ("day", "category", "country")}


def file_schema(table: str) -> pa.Schema:
    """The columns each Parquet file of ``table`` holds (all but the partition column)."""
    schema = TABLES[table]
    return schema.remove(schema.get_field_index(PARTITION))


# --- writing -------------------------------------------------------------------------------

def staging_folder(out: str | os.PathLike) -> Path:
    """A new, empty folder beside ``out`` to write into before ``publish`` renames it into place
    (same parent: the rename stays on one file system)."""
    out = Path(out).expanduser().absolute()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.writing-{uuid.uuid4().hex[:12]}"
    staging.mkdir()
    return staging


def _check_replaceable(out: Path) -> None:
    """Refuse to replace anything but a facts folder or an empty folder (never a person's files)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise DataError(f"{out} is a file; --out must be a folder (a facts folder to replace, or a new one)")
    if any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise DataError(f"{out} is a folder that holds other files and no {MANIFEST}; it was left untouched. "
                        "Give a new folder, or a facts folder to replace")


def write_table(folder: Path, name: str, table: pa.Table) -> int:
    """Write ``table`` (with the ``TABLES[name]`` columns; dictionaries are decoded) under
    ``folder/name``, one Hive partition per week; the folder exists even when there are no rows.
    Returns the rows written."""
    table = conform(table, TABLES[name])
    target = folder / name
    target.mkdir(parents=True, exist_ok=True)
    if table.num_rows:
        ds.write_dataset(table, target, format="parquet", basename_template="part-{i}.parquet",
                         partitioning=ds.partitioning(pa.schema([(PARTITION, pa.date32())]), flavor="hive"),
                         existing_data_behavior="error", max_rows_per_group=1 << 20)
    return table.num_rows


def freshness_entry(fresh: Freshness | None) -> dict:
    """The manifest's ``data_until``: each instant as ISO 8601 in UTC (null when unknown)."""
    def iso(value):
        return None if value is None or pd.isna(value) else pd.Timestamp(value).tz_convert("UTC").isoformat()
    fresh = fresh or Freshness(None, None, None)
    return {key: iso(getattr(fresh, key)) for key in FRESHNESS_KEYS}


def manifest(policy, engine: str, rows: dict[str, int], fresh: Freshness | None) -> dict:
    """The manifest of a folder written by ``engine`` (both engines build it here)."""
    from .decisions import fingerprint

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if set(rows) != set(TABLES):
        raise ValueError(f"rows must name exactly the tables {', '.join(TABLES)}")
    return {"format": FORMAT, "engine": engine, "fingerprint": fingerprint(policy),
            "rows": {name: int(rows[name]) for name in TABLES},
            "written_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "data_until": freshness_entry(fresh)}


def manifest_text(policy, engine: str, rows: dict[str, int], fresh: Freshness | None) -> str:
    return json.dumps(manifest(policy, engine, rows, fresh), indent=2) + "\n"


def write_manifest(folder: Path, policy, engine: str, rows: dict[str, int], fresh: Freshness | None) -> None:
    """Write policy.toml, then manifest.json: the last file of a complete folder."""
    text = manifest_text(policy, engine, rows, fresh)
    (folder / POLICY_FILE).write_text(policy.to_toml(), encoding="utf-8")
    (folder / MANIFEST).write_text(text, encoding="utf-8")


def publish(staging: Path, out: str | os.PathLike) -> Path:
    """Move the finished ``staging`` folder to ``out``, replacing a facts folder there: the old
    one is renamed aside first and removed last, so ``out`` is at every moment either the old
    complete folder, absent, or the new complete one."""
    out = Path(out).expanduser().absolute()
    if not (staging / MANIFEST).is_file():
        raise DataError(f"{staging} has no {MANIFEST}: not a finished facts folder")
    _check_replaceable(out)
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{uuid.uuid4().hex[:12]}"
        out.rename(old)
    try:
        staging.rename(out)
    except BaseException:
        if old is not None:
            old.rename(out)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out


def write_folder(out: str | os.PathLike, tables: dict[str, pa.Table], policy, engine: str,
                 fresh: Freshness | None) -> Path:
    """Write the four tables (``TABLES``' columns), policy.toml and manifest.json as the facts
    folder ``out`` (replacing one there). Nothing is left at ``out`` or beside it on failure."""
    staging = staging_folder(out)
    try:
        rows = {name: write_table(staging, name, tables[name]) for name in TABLES}
        write_manifest(staging, policy, engine, rows, fresh)
        return publish(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


# --- reading -------------------------------------------------------------------------------

def _plain(t: pa.DataType) -> pa.DataType:
    """``t`` as compared with a declared type: dictionaries as their values, large text as text."""
    if pa.types.is_dictionary(t):
        t = t.value_type
    return pa.string() if pa.types.is_large_string(t) else t


def _compatible(actual: pa.DataType, expected: pa.DataType) -> bool:
    """Whether a file's column type reads as the declared one without changing a value.
    Timestamps may have any unit and zone (an instant is an instant; a timestamp without zone
    is read as UTC, which is how Spark's INT96 stores instants)."""
    actual = _plain(actual)
    if pa.types.is_timestamp(expected):
        return pa.types.is_timestamp(actual)
    if pa.types.is_struct(expected):
        return (pa.types.is_struct(actual) and [f.name for f in actual] == [f.name for f in expected]
                and all(_compatible(a.type, e.type) for a, e in zip(actual, expected, strict=True)))
    return actual == expected


def _describe(t: pa.DataType) -> str:
    return str(_plain(t))


def _partition_ok(relative: Path) -> bool:
    """``week=YYYY-MM-DD/<file>`` or ``week=__HIVE_DEFAULT_PARTITION__/<file>``."""
    if len(relative.parts) != 2 or not relative.parts[0].startswith(f"{PARTITION}="):
        return False
    value = relative.parts[0].split("=", 1)[1]
    if value == NULL_PARTITION:
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _parquet_files(folder: Path) -> list[Path]:
    """The folder's Parquet files, hidden and underscore files left out (Spark's _SUCCESS, .crc)."""
    out = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith((".", "_")) for part in relative.parts) or not path.is_file():
            continue
        out.append(path)
    return out


def _check_files(root: Path, table: str, expected_rows: int) -> list[Path]:
    folder = root / table
    if not folder.is_dir():
        raise DataError(f"{root}: the table folder {table}/ is missing; the facts folder is incomplete. "
                        "Write it again with `python -m data facts ... --out`")
    expected = file_schema(table)
    rows, files = 0, []
    for path in _parquet_files(folder):
        shown = path
        if path.suffix != ".parquet":
            raise DataError(f"{shown}: not a Parquet file (a facts folder holds only week=.../*.parquet files)")
        try:
            meta = pq.read_metadata(path)
            schema = meta.schema.to_arrow_schema()
        except (pa.ArrowException, OSError) as exc:
            raise DataError(f"{shown} is not a readable Parquet file ({str(exc).splitlines()[0]})") from None
        if not _partition_ok(path.relative_to(folder)):
            if meta.num_rows == 0 and path.parent == folder:
                continue  # Spark writes an empty table as one empty file beside the partitions
            raise DataError(f"{shown}: not in a week partition (expected {table}/week=YYYY-MM-DD/*.parquet)")
        files.append(path)
        for field in expected:
            index = schema.get_field_index(field.name)
            if index < 0:
                raise DataError(f"{shown}: column {field.name} is missing (the {table} files need "
                                f"{', '.join(expected.names)})")
            found = schema.field(index).type
            if not _compatible(found, field.type):
                raise DataError(f"{shown}: column {field.name} is {_describe(found)}, expected {field.type}")
        rows += meta.num_rows
    if rows != expected_rows:
        raise DataError(f"{root}: {table}/ holds {rows:,} rows in {len(files):,} Parquet file(s) but the manifest "
                        f"says {expected_rows:,}; the folder is incomplete or was changed after writing")
    return files


def _instant(value, key: str, root: Path) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise DataError(f"{root / MANIFEST}: data_until.{key} is not a timestamp ({value!r})") from None
    if ts.tzinfo is None:
        raise DataError(f"{root / MANIFEST}: data_until.{key} has no time zone ({value!r})")
    return ts.tz_convert("UTC")


def read_manifest(root: str | os.PathLike) -> dict:
    """The folder's manifest, checked: format tag, engine, a row count per table."""
    root = Path(root).expanduser()
    if not root.is_dir():
        raise DataError(f"There is no facts folder at {root}" + (" (it is a file)" if root.exists() else ""))
    path = root / MANIFEST
    if not path.is_file():
        state = "is empty" if not any(root.iterdir()) else f"has no {MANIFEST}"
        raise DataError(f"{root} {state}: not a facts folder, or its writing did not finish. Write it with "
                        "`python -m data facts --orders ... --cases ... --out DIR`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise DataError(f"{path} cannot be read as JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise DataError(f"{path}: format is {found!r}, expected {FORMAT!r}; this version of Returns Desk "
                        "cannot read that folder")
    if manifest.get("engine") not in ENGINES:
        raise DataError(f"{path}: engine is {manifest.get('engine')!r}, expected one of {', '.join(ENGINES)}")
    rows = manifest.get("rows")
    if not isinstance(rows, dict) or any(not isinstance(rows.get(t), int) or rows[t] < 0 for t in TABLES):
        raise DataError(f"{path}: rows must give a row count for each of {', '.join(TABLES)}")
    if not isinstance(manifest.get("fingerprint"), str):
        raise DataError(f"{path}: fingerprint is missing")
    return manifest


def open_folder(root: str | os.PathLike) -> FactsFolder:
    """The facts folder at ``root``, checked (manifest, policy and its fingerprint, every file's
    columns and types, row counts); ``DataError`` with one sentence naming the file otherwise."""
    from policy import PolicyError, parse_policy

    from .decisions import fingerprint

    root = Path(root).expanduser().absolute()
    manifest = read_manifest(root)
    policy_path = root / POLICY_FILE
    if not policy_path.is_file():
        raise DataError(f"{root} has no {POLICY_FILE}: the policy the facts were decided under is unknown")
    try:
        policy = parse_policy(policy_path.read_text(encoding="utf-8"))
    except (PolicyError, OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{policy_path}: {exc}") from None
    if fingerprint(policy) != manifest["fingerprint"]:
        raise DataError(f"{root}: the facts' fingerprint {manifest['fingerprint']} is not that of its {POLICY_FILE} "
                        f"({fingerprint(policy)}): they were written by another version of Returns Desk's facts, or "
                        f"the policy file was edited afterwards. Write the facts again")
    files = {table: _check_files(root, table, manifest["rows"][table]) for table in TABLES}
    data_until = manifest.get("data_until") or {}
    fresh = Freshness(*(_instant(data_until.get(key), key, root) for key in FRESHNESS_KEYS))
    return FactsFolder(root=root, manifest=manifest, policy=policy, files=files, freshness=fresh)


class WholeTables:
    """The four fact tables as Arrow, each read whole on first use through the subclass's
    ``_read(view)`` (stored facts read their views, a folder its Parquet)."""

    @cached_property
    def stage_facts(self) -> pa.Table:
        return self._read("stage_facts")

    @cached_property
    def case_facts(self) -> pa.Table:
        return self._read("case_facts")

    @cached_property
    def order_counts(self) -> pa.Table:
        return self._read("order_counts")

    @cached_property
    def cases(self) -> pa.Table:
        return self._read("case_decisions")


@dataclass(frozen=True, eq=False)
class FactsFolder(WholeTables):
    """A checked facts folder: ``register`` makes a cursor's views (stage_facts, case_facts,
    case_decisions, order_counts, as the report SQL reads them) over its Parquet files; the
    table attributes read them whole (as ``StoredDecisions`` does); ``freshness`` is the
    input's as the manifest records it."""

    root: Path
    manifest: dict
    policy: object
    files: dict
    freshness: Freshness

    @property
    def fingerprint(self) -> str:
        return self.manifest["fingerprint"]

    @property
    def engine(self) -> str:
        return self.manifest["engine"]

    @property
    def written_at(self) -> str:
        return str(self.manifest.get("written_at", ""))

    @property
    def written_label(self) -> str:
        """When the folder was written, for people: '2026-11-30 13:11 UTC'."""
        try:
            return pd.Timestamp(self.written_at).tz_convert("UTC").strftime("%Y-%m-%d %H:%M UTC")
        except (ValueError, TypeError):
            return self.written_at or "at an unknown time"

    @cached_property
    def _datasets(self) -> dict[str, ds.Dataset]:
        parquet = ds.ParquetFileFormat(read_options=ds.ParquetReadOptions(coerce_int96_timestamp_unit="us"))
        partitioning = ds.HivePartitioning(pa.schema([(PARTITION, pa.date32())]), null_fallback=NULL_PARTITION)
        return {table: ds.dataset([str(p) for p in self.files[table]], schema=TABLES[table], format=parquet,
                                  partitioning=partitioning, partition_base_dir=str(self.root / table))
                for table in TABLES}

    def register(self, cur: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
        """Expose the folder's tables and the SLA rule to SQL on ``cur`` and return it."""
        define_rule(cur)
        for table, dataset in self._datasets.items():
            cur.register(f"facts_files_{table}", dataset)
        cur.execute(sql.load("facts_files_views"))
        return cur

    def for_policy(self, policy):
        """This folder, when ``policy`` is the one its facts were decided under (``None``: the
        folder's own); otherwise a ``DataError`` naming both."""
        from .decisions import fingerprint

        if policy is not None and fingerprint(policy) != self.fingerprint:
            raise DataError(policy_mismatch(self, policy))
        return self

    def _read(self, table: str) -> pa.Table:
        read = self._datasets[table].to_table()
        return read.drop_columns([PARTITION]) if table == "case_decisions" else read


def read_tables(root: str | os.PathLike) -> dict[str, pa.Table]:
    """Every table of the folder at ``root``, whole, with ``TABLES``' columns, sorted by
    ``TABLE_KEYS``: two engines' folders of the same input compare equal with ``==``."""
    folder = open_folder(root)
    return {table: folder._datasets[table].to_table().sort_by([(k, "ascending") for k in TABLE_KEYS[table]])
            for table in TABLES}


def policy_mismatch(folder: FactsFolder, policy) -> str:
    """Why ``policy`` cannot be read from ``folder``: both policies named, with fingerprints."""
    from .decisions import fingerprint

    return (f"the facts in {folder.root} were decided under policy {folder.policy.name!r} (fingerprint "
            f"{folder.fingerprint}), not under {policy.name!r} (fingerprint {fingerprint(policy)}); "
            "leave --policy out to use the folder's, or write the facts again under that policy")


# --- connections that read a folder ----------------------------------------------------------
# ``data.decisions.decisions(con, policy)`` asks ``bound_folder(con)`` first: a connection bound
# to a folder reads its facts, so every report query runs unchanged on it.
_bound: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def bind(con: duckdb.DuckDBPyConnection, folder: FactsFolder) -> duckdb.DuckDBPyConnection:
    """Make ``decisions(con, ...)`` read ``folder``'s facts; returns ``con``."""
    _bound[con] = folder
    return con


def bound_folder(con: duckdb.DuckDBPyConnection) -> FactsFolder | None:
    return _bound.get(con)


def reader(folder: FactsFolder) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection bound to ``folder`` (``report --facts``)."""
    con = duckdb.connect(":memory:")
    con.execute(sql.load("session_settings"))
    return bind(con, folder)
