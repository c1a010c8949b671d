"""The stored facts computed on Apache Spark (issue 12): orders and cases from Parquet, the same
facts folder the DuckDB engine writes.

Spark does the reading, the joins (``sql/spark_*.sql``), the order counts and the writing; the
deciding itself is the project's own ``data.facts.decide_orders_batch`` / ``decide_cases_batch``
run unchanged inside ``mapInArrow`` (Arrow batches in and out; the pandas UDF paths warn on pandas
3). So both engines agree by construction, and ``tests/test_spark_facts.py`` holds them equal.

The session comes from the usual Spark settings: ``spark-submit --master ...``, ``spark-defaults.conf``
or ``PYSPARK_SUBMIT_ARGS``; with no master configured, Spark runs in local mode on every core.
The policy travels to the workers pickled, and its classes live in the ``policy`` and ``data``
packages, so every job ships the project as a zip (``ship_project``: ``addPyFile``) and a cluster's
workers need only Python 3.11 with ``requirements.txt`` and Java 17, not a checkout.

    spark-submit --master spark://host:7077 scripts/spark_facts.py \\
        --orders s3a://bucket/orders/ --cases s3a://bucket/cases/ --out /shared/facts
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import sys
import tempfile
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from . import sql
from .columns import BOOL, KEYS, MONEY, REQUIRED, TEXT, TS, table_columns
from .db import DataError
from .facts import (
    CASE_FACTS_SCHEMA,
    STAGE_SCHEMA,
    conform,
    decide_cases_batch,
    decide_orders_batch,
    decision_schema,
    work_clock,
)
from .facts_files import MANIFEST, PARTITION, POLICY_FILE, TABLES, manifest_text
from .freshness import Freshness

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("policy", "data")  # what a worker imports to unpickle the policy and run the decide step

# The facts folder's layout is data/facts_files.py's (MANIFEST, POLICY_FILE, PARTITION, TABLES).
# An event column of the input: its latest value is the folder's data_until (data_freshness.sql's
# columns; a test holds report --facts over a Spark folder equal to report --db).
ORDER_EVENTS = ("placed_at", "shipped_at", "delivered_at")
CASE_EVENTS = ("requested_at", "replied_at", "media_received_at", "customer_shipped_at", "return_received_at",
               "replacement_shipped_at", "refunded_at", "freight_claimed_at", "freight_reimbursed_at",
               "status_updated_at", "closed_at")

# Rows per Arrow batch handed to the decide functions: Spark's default (10,000) pays the
# per-batch cost of decide_frame 100 times per million cases; measured in bench/bench_spark.py.
ARROW_BATCH_ROWS = 200_000
MAX_ROWS_PER_FILE = 5_000_000  # a week of a very large store splits into several files
APP_NAME = "returns-desk-facts"

# Money columns are exact decimals in the database (schema.sql); order_amount is read by the
# engine as a float, as decide_case_orders.sql hands it over.
MONEY_TYPE = "decimal(12,2)"
# What a column the file lacks holds (schema.sql's defaults): the flags default to true.
ABSENT_DEFAULTS = {BOOL: True}


# --- the session -------------------------------------------------------------------------------

# A JVM this module launches (local mode: tests, bench, the script without spark-submit) compiles
# with C1 only: the work is in the Python decide step, and C2's compiler threads cost more CPU than
# they save on jobs of minutes (bench_spark.py: session start 28 -> 10 CPU-s, a warm decide of
# 100k cases 18.5 -> 15). Only when nobody configured the driver's Java options.
JVM_OPTIONS_KEY = "spark.driver.extraJavaOptions"
LOCAL_JVM_OPTIONS = "-XX:TieredStopAtLevel=1"


def _jvm_options_configured() -> bool:
    """Whether the driver's Java options come from PYSPARK_SUBMIT_ARGS or spark-defaults.conf."""
    if JVM_OPTIONS_KEY in os.environ.get("PYSPARK_SUBMIT_ARGS", ""):
        return True
    folder = os.environ.get("SPARK_CONF_DIR") or (Path(os.environ["SPARK_HOME"]) / "conf" if "SPARK_HOME" in os.environ else None)
    defaults = Path(folder) / "spark-defaults.conf" if folder else None
    return bool(defaults and defaults.is_file() and JVM_OPTIONS_KEY in defaults.read_text())


def session(master: str | None = None, **conf: str):
    """The Spark session (an existing one, or one from the usual settings; ``master`` only when
    the caller names one, e.g. tests' ``local[2]``), made ready for the facts job."""
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(APP_NAME)
    if master:
        builder = builder.master(master)
    launching = SparkContext._active_spark_context is None
    if launching and JVM_OPTIONS_KEY not in conf and not _jvm_options_configured():
        builder = builder.config(JVM_OPTIONS_KEY, LOCAL_JVM_OPTIONS)
    for key, value in conf.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    configured = spark.sparkContext.getConf()
    if not configured.contains("spark.sql.execution.arrow.maxRecordsPerBatch"):
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(ARROW_BATCH_ROWS))
    if not configured.contains("spark.sql.shuffle.partitions"):
        spark.conf.set("spark.sql.shuffle.partitions", str(spark.sparkContext.defaultParallelism))
    # Fixed by the layout, not settings: instants travel and are stored as UTC microseconds.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    ship_project(spark)
    return spark


_shipped: set[str] = set()


def project_zip(folder: Path) -> Path:
    """The ``policy`` and ``data`` packages (code, SQL, default policy) as one zip in ``folder``."""
    target = folder / "returns_desk.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for package in PROJECT_PACKAGES:
            for path in sorted((ROOT / package).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    archive.write(path, path.relative_to(ROOT).as_posix())
    return target


def ship_project(spark) -> None:
    """Put the project on every worker's import path (once per application)."""
    app = spark.sparkContext.applicationId
    if app in _shipped:
        return
    spark.sparkContext.addPyFile(str(project_zip(Path(tempfile.mkdtemp(prefix="returns-desk-")))))
    _shipped.add(app)


# pyspark warns on pandas 3 wherever it checks the pandas version, mapInArrow included, though
# the Arrow path never converts to pandas.
PANDAS_WARNING = "PySpark does not yet fully support pandas"


@contextlib.contextmanager
def data_errors():
    """A ``DataError`` raised on a worker (a row the rules cannot decide) as the same
    ``DataError`` here, its message intact, instead of a JVM stack trace."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PythonException

    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=PANDAS_WARNING, category=FutureWarning)
            yield
    except (PythonException, Py4JJavaError) as exc:
        found = re.search(r"DataError: (.+)", str(exc))
        if found:
            raise DataError(found.group(1).strip()) from None
        raise


# --- reading the input ----------------------------------------------------------------------------

def _compatible(kind: str, spark_type) -> bool:
    from pyspark.sql import types as T

    accepted = {
        TEXT: (T.StringType, T.VarcharType, T.CharType),
        TS: (T.TimestampType, T.TimestampNTZType),
        MONEY: (T.DecimalType, T.IntegralType, T.DoubleType, T.FloatType),
        BOOL: (T.BooleanType,),
    }
    return isinstance(spark_type, accepted[kind])


def _column_type(kind: str) -> str:
    return {TEXT: "string", TS: "timestamp", MONEY: MONEY_TYPE, BOOL: "boolean"}[kind]


def read_table(spark, path, table: str):
    """``table`` (orders or cases) from Parquet at ``path`` (a file or a folder of files) with
    the contract's columns and types (data/columns.py): a required column missing, or a column
    of another kind, is a ``DataError`` naming it; an optional column missing reads as
    schema.sql's default (null, or true for the flags). Naive timestamps stay naive here and
    are read in the policy's zone by the decide step (``_as_instants``)."""
    from pyspark.errors import AnalysisException
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    try:
        frame = spark.read.parquet(str(path))
    except AnalysisException as exc:
        raise DataError(f"{table}: cannot read Parquet at {path}: {str(exc).splitlines()[0]}") from None
    have = {field.name: field.dataType for field in frame.schema.fields}
    absent = [name for name in REQUIRED[table] if name not in have]
    if absent:
        raise DataError(f"{table} at {path}: no column {', '.join(absent)} (required); "
                        f"its columns are: {', '.join(have) or 'none'}")
    columns = []
    for name, kind in table_columns(table).items():
        if name not in have:
            columns.append(F.lit(ABSENT_DEFAULTS.get(kind)).cast(_column_type(kind)).alias(name))
            continue
        if not _compatible(kind, have[name]):
            raise DataError(f"{table} at {path}: column {name} holds {have[name].simpleString()}, "
                            f"not {kind}")
        keep = isinstance(have[name], T.TimestampNTZType)
        column = F.col(name) if keep else F.col(name).cast(_column_type(kind))
        if kind == BOOL:
            column = F.coalesce(column, F.lit(True))
        columns.append(column.alias(name))
    return frame.select(columns)


def check_table(frame, path, table: str) -> None:
    """What the database's constraints refuse (schema.sql): a required value missing, a key
    given twice, a negative order amount. The error names the column and up to five keys."""
    from pyspark.sql import functions as F

    key = KEYS[table]
    bad = {f"{name} missing": F.col(name).isNull() for name in REQUIRED[table]}
    if table == "orders":
        bad["order_amount below 0"] = F.col("order_amount") < 0
    counts = frame.select([F.count_if(test).alias(label) for label, test in bad.items()]).first()
    for label, test in bad.items():
        if counts[label]:
            keys = [str(r[0]) for r in frame.where(test).select(key).limit(5).collect()]
            raise DataError(f"{table} at {path}: {counts[label]:,} row(s) with {label} ({key} {', '.join(keys)})")
    twice = frame.groupBy(key).count().where("count > 1").limit(5).collect()
    if twice:
        raise DataError(f"{table} at {path}: {key} given more than once: "
                        f"{', '.join(f'{r[0]} ({r[1]} times)' for r in twice)}")


# --- the decide step on the workers ---------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _clock(policy):
    """One working-time clock per policy per worker process (Spark reuses Python workers)."""
    return work_clock(policy)


def _as_instants(table: pa.Table, zone: str) -> pa.Table:
    """Naive timestamp columns read in the policy's zone by the project's one rule
    (``policy.localtime``, as import does); instants pass through."""
    from policy.localtime import local_to_utc_us

    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type) and field.type.tz is None:
            column = table.column(i).combine_chunks().cast(pa.timestamp("us"))
            known = column.is_valid().to_numpy(zero_copy_only=False)
            local = column.cast(pa.int64()).fill_null(0).to_numpy()
            utc = np.where(known, local_to_utc_us(local, zone), 0)
            utc_array = pa.Array.from_buffers(pa.timestamp("us", tz="UTC"), len(utc),
                                              [column.buffers()[0], pa.py_buffer(utc.astype(np.int64))],
                                              null_count=column.null_count)
            table = table.set_column(i, field.name, utc_array)
    return table


def _struct_of(schema: pa.Schema) -> pa.StructType:
    return pa.struct(list(schema))


DECISION_SCHEMA = decision_schema().append(pa.field(PARTITION, pa.date32()))  # the case's week rides along
# Each output row of the case side is one of three kinds, in its own struct column.
CASE_OUTPUT = pa.schema([("stage", _struct_of(STAGE_SCHEMA)), ("case_fact", _struct_of(CASE_FACTS_SCHEMA)),
                         ("decision", _struct_of(DECISION_SCHEMA))])


def decide_orders_partition(batches, policy):
    """mapInArrow body: each batch of ``spark_orders_input.sql`` rows -> their P1 stage rows."""
    clock = _clock(policy)
    for batch in batches:
        if batch.num_rows:
            orders = _as_instants(pa.Table.from_batches([batch]), policy.calendar.timezone)
            yield from conform(decide_orders_batch(orders, policy, clock), STAGE_SCHEMA).to_batches()


def decide_cases_partition(batches, policy):
    """mapInArrow body: each batch of ``spark_cases_input.sql`` rows -> its stage rows, case
    facts and decisions (``CASE_OUTPUT``: one filled struct per row, the case's week added to
    its decision so the decisions partition like the facts)."""
    clock = _clock(policy)
    for batch in batches:
        if not batch.num_rows:
            continue
        cases = _as_instants(pa.Table.from_batches([batch]), policy.calendar.timezone)
        stages, facts, decisions = decide_cases_batch(cases, policy, clock)
        facts = conform(facts, CASE_FACTS_SCHEMA)
        decisions = conform(decisions, decision_schema()).append_column(PARTITION, facts.column(PARTITION))
        parts = {"stage": conform(stages, STAGE_SCHEMA), "case_fact": facts, "decision": decisions}
        for kind, table in parts.items():
            if table.num_rows:
                columns = [table.combine_chunks().to_struct_array() if name == kind
                           else pa.nulls(table.num_rows, CASE_OUTPUT.field(name).type) for name in CASE_OUTPUT.names]
                yield from pa.Table.from_arrays(columns, schema=CASE_OUTPUT).to_batches()


def _spark_schema(schema: pa.Schema):
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema, prefer_timestamp_ntz=False)


@dataclass
class SparkFacts:
    """The four fact tables as Spark DataFrames (lazy, over persisted decided rows)."""

    stage_facts: object
    case_facts: object
    case_decisions: object
    order_counts: object
    persisted: tuple

    def tables(self) -> dict:
        return {name: getattr(self, name) for name in TABLES}

    def unpersist(self) -> None:
        for frame in self.persisted:
            frame.unpersist()


def decide(spark, orders_path, cases_path, policy) -> SparkFacts:
    """Read, check, join and decide; the results stay in Spark (``write_facts`` writes them)."""
    orders = read_table(spark, orders_path, "orders")
    cases = read_table(spark, cases_path, "cases")
    check_table(orders, orders_path, "orders")
    check_table(cases, cases_path, "cases")
    orders.createOrReplaceTempView("orders")
    cases.createOrReplaceTempView("cases")
    order_rows = spark.sql(sql.load("spark_orders_input"), args=sql.SHARED_PARAMS)
    case_rows = spark.sql(sql.load("spark_cases_input"))
    processing = order_rows.mapInArrow(functools.partial(decide_orders_partition, policy=policy),
                                       _spark_schema(STAGE_SCHEMA)).persist()
    decided = case_rows.mapInArrow(functools.partial(decide_cases_partition, policy=policy),
                                   _spark_schema(CASE_OUTPUT)).persist()
    processing.createOrReplaceTempView("order_days")
    return SparkFacts(
        stage_facts=processing.unionByName(decided.where("stage IS NOT NULL").select("stage.*")),
        case_facts=decided.where("case_fact IS NOT NULL").select("case_fact.*"),
        case_decisions=decided.where("decision IS NOT NULL").select("decision.*"),
        order_counts=spark.sql(sql.load("spark_order_counts")),
        persisted=(processing, decided),
    )


def facts_tables(orders_path, cases_path, policy, spark=None) -> dict[str, pa.Table]:
    """The four fact tables as Arrow (tests, small data): what ``write_facts`` would write, with
    ``week`` as a column. Case decisions carry the case's week too."""
    spark = spark or session()
    with data_errors():
        facts = decide(spark, orders_path, cases_path, policy)
        try:
            return {name: frame.toArrow() for name, frame in facts.tables().items()}
        finally:
            facts.unpersist()


# --- writing the facts folder ---------------------------------------------------------------------

class _FileSystem:
    """The few file operations the folder needs, through Hadoop's FileSystem (the one Spark
    writes with), so ``out`` may be a local path, hdfs:// or s3a:// alike."""

    def __init__(self, spark, path: str) -> None:
        self._jvm = spark.sparkContext._jvm
        self._fs = self.path(path).getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())

    def path(self, text: str):
        return self._jvm.org.apache.hadoop.fs.Path(text)

    def exists(self, text: str) -> bool:
        return self._fs.exists(self.path(text))

    def is_empty_folder(self, text: str) -> bool:
        return self._fs.getFileStatus(self.path(text)).isDirectory() and not self._fs.listStatus(self.path(text))

    def write_text(self, text: str, content: str) -> None:
        stream = self._fs.create(self.path(text), False)
        try:
            stream.write(bytearray(content.encode("utf-8")))
        finally:
            stream.close()

    def rename(self, source: str, target: str) -> None:
        if not self._fs.rename(self.path(source), self.path(target)):
            raise DataError(f"could not rename {source} to {target}")

    def delete(self, text: str) -> None:
        self._fs.delete(self.path(text), True)


def input_freshness(spark, zone: str) -> Freshness:
    """The latest event, order and case of the input (the ``orders`` and ``cases`` views
    ``decide`` made), as instants: what ``data_freshness.sql`` gives the database. A naive
    column is read in the policy's zone by the project's one rule, as the decide step reads it."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from policy.localtime import local_to_utc_us

    def latest(table: str, names: tuple[str, ...]) -> dict[str, int]:
        """Each present column's latest value in UTC microseconds (absent when all null): one
        pass over the table for all of them."""
        frame = spark.table(table)
        kinds = {f.name: f.dataType for f in frame.schema.fields}
        present = [n for n in names if n in kinds]
        if not present:
            return {}
        # unix_micros of a naive time read as UTC is its local wall clock, converted below
        row = frame.select([F.unix_micros(F.col(n).cast("timestamp")).alias(n) for n in present]) \
                   .agg(*(F.max(n).alias(n) for n in present)).first()
        values = {}
        for name in present:
            value = row[name]
            if value is not None and isinstance(kinds[name], T.TimestampNTZType):
                value = int(local_to_utc_us(np.array([value], dtype=np.int64), zone)[0])
            if value is not None:
                values[name] = value
        return values

    def instant(values):
        import pandas as pd

        values = [v for v in values if v is not None]
        return pd.Timestamp(max(values), unit="us", tz="UTC") if values else None

    orders, cases = latest("orders", ORDER_EVENTS), latest("cases", CASE_EVENTS)
    return Freshness(latest_event=instant([*orders.values(), *cases.values()]),
                     latest_order=instant([orders.get(ORDER_EVENTS[0])]),
                     latest_case=instant([cases.get(CASE_EVENTS[0])]))


def _sibling(out: str, label: str) -> str:
    parent, _, name = out.rstrip("/").rpartition("/")
    return f"{parent}/.{name}.{label}-{uuid.uuid4().hex[:8]}" if parent else f".{name}.{label}-{uuid.uuid4().hex[:8]}"


def write_facts(orders_path, cases_path, policy, out, spark=None) -> dict:
    """Decide ``orders_path`` and ``cases_path`` (Parquet files or folders) under ``policy`` on
    Spark and write the facts folder ``out``; returns the manifest.

    Written to a hidden sibling folder and renamed into place at the end (the manifest last), so
    ``out`` is never half written; an existing facts folder there is replaced, any other
    non-empty ``out`` is refused before anything is computed."""
    spark = spark or session()
    out = str(out).rstrip("/") or "/"
    files = _FileSystem(spark, out)
    replacing = files.exists(out)
    if replacing and not (files.exists(f"{out}/{MANIFEST}") or files.is_empty_folder(out)):
        raise DataError(f"{out} exists and is not a facts folder (no {MANIFEST}); nothing written")
    staging = _sibling(out, "writing")
    with data_errors():
        facts = decide(spark, orders_path, cases_path, policy)
        try:
            for name, frame in facts.tables().items():
                (frame.repartition(PARTITION).write.mode("error").option("maxRecordsPerFile", MAX_ROWS_PER_FILE)
                 .partitionBy(PARTITION).parquet(f"{staging}/{name}"))
            rows = {name: spark.read.parquet(f"{staging}/{name}").count() for name in TABLES}
            fresh = input_freshness(spark, policy.calendar.timezone)
        except BaseException:
            files.delete(staging)
            raise
        finally:
            facts.unpersist()
    text = manifest_text(policy, "spark", rows, fresh)
    manifest = json.loads(text)
    files.write_text(f"{staging}/{POLICY_FILE}", policy.to_toml())
    files.write_text(f"{staging}/{MANIFEST}", text)
    if replacing:
        old = _sibling(out, "replaced")
        files.rename(out, old)
        files.rename(staging, out)
        files.delete(old)
    else:
        files.rename(staging, out)
    return manifest


# --- command line (scripts/spark_facts.py, spark-submit) --------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """``--orders PATH --cases PATH [--policy P.toml] --out DIR`` on the configured Spark."""
    from policy import load_policy

    parser = argparse.ArgumentParser(prog="spark_facts.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", required=True, help="orders as Parquet (a file or a folder)")
    parser.add_argument("--cases", required=True, help="cases as Parquet (a file or a folder)")
    parser.add_argument("--policy", help="policy TOML (default: the store's, policy/default.toml)")
    parser.add_argument("--out", required=True, help="facts folder to write (replaced if it holds facts)")
    args = parser.parse_args(argv)
    try:
        policy = load_policy(args.policy) if args.policy else load_policy()
        manifest = write_facts(args.orders, args.cases, policy, args.out)
    except (DataError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(manifest, indent=2))
    return 0
