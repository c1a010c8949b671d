"""The Spark engine (issue 12): facts decided by Spark local mode from Parquet, written as the
facts folder, equal to the DuckDB engine's on the same data, and the weekly report from them
equal to the report on the database. One Spark session for the whole module."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import data
from data import decisions as dec
from data import report as report_module
from data import sql
from data.db import DataError, insert_frame
from data.facts import CASE_FACTS_SCHEMA, STAGE_SCHEMA, STAGES, conform, decision_schema
from data.report import weekly_report
from data.sample import load_sample
from policy import Outcome, load_policy, parse_policy

pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (bash scripts/install.sh --spark)")
if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
    pytest.skip("no Java runtime for Spark (bash scripts/install.sh --spark installs Java 17)", allow_module_level=True)

from data import spark_facts  # noqa: E402

pytestmark = pytest.mark.slow

UNTIL = "2026-11-26T00:00:00+08:00"
AS_OF = "2026-11-26T10:00:00+08:00"
# Small enough for CI, large enough that every stage, outcome, refund kind, payer and missing
# item occurs (checked against 20,000 cases: the same values of every text column) and that the
# cases span two years of weeks.
N_ORDERS, N_CASES = 30_000, 5_000
KEYS = {"stage_facts": ["stage", "item_id"], "case_facts": ["case_id"], "case_decisions": ["case_id"],
        "order_counts": ["day", "category", "country"]}


@pytest.fixture(scope="module")
def spark():
    session = spark_facts.session("local[2]", **{"spark.ui.showConsoleProgress": "false",
                                                 "spark.ui.enabled": "false"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A database of about 5,000 cases and its orders and cases exported as Parquet."""
    folder = tmp_path_factory.mktemp("spark-store")
    con = data.connect(folder / "store.duckdb", create_sample=False, quiet=True)
    load_sample(con, N_ORDERS, N_CASES, until=UNTIL)
    for table in ("orders", "cases"):
        con.execute(f"COPY {table} TO '{folder / table}.parquet' (FORMAT parquet)")
    dec.clear_cache()
    yield con, folder
    con.close()
    dec.clear_cache()


@pytest.fixture(scope="module")
def written(spark, store, tmp_path_factory):
    """The facts folder Spark writes for the store's policy."""
    _, folder = store
    out = tmp_path_factory.mktemp("spark-out") / "facts"
    manifest = spark_facts.write_facts(folder / "orders.parquet", folder / "cases.parquet", load_policy(), out, spark)
    return out, manifest


def read_folder(out: Path) -> dict[str, pa.Table]:
    """Every table of a facts folder as Arrow, ``week`` from the partition folder's name."""
    con = duckdb.connect()
    try:
        return {name: con.sql(f"SELECT * REPLACE (CAST(week AS DATE) AS week) FROM read_parquet("
                              f"'{out / name}/*/*.parquet', hive_partitioning = true)").to_arrow_table()
                for name in spark_facts.TABLES}
    finally:
        con.close()


def sorted_as(table: pa.Table, schema: pa.Schema, keys: list[str]) -> pa.Table:
    return conform(table, schema).sort_by([(k, "ascending") for k in keys])


def test_folder_layout(written):
    out, manifest = written
    assert json.loads((out / "manifest.json").read_text()) == manifest
    assert manifest["format"] == "returns-desk-facts/1" and manifest["engine"] == "spark"
    assert manifest["fingerprint"] == dec.fingerprint(load_policy())
    assert parse_policy((out / "policy.toml").read_text()) == load_policy()
    for name in spark_facts.TABLES:
        weeks = [p.name for p in (out / name).iterdir() if p.is_dir()]
        assert weeks and all(w.startswith("week=") and len(w) == len("week=2026-11-23") for w in weeks), name
        part = next((out / name).glob("week=*/part-*.parquet"))
        assert "week" not in pq.read_schema(part).names, name
    assert not list(out.parent.glob(".facts.*")), "the staging folder is renamed away"


def test_facts_equal_the_duckdb_engine(written, store):
    con, _ = store
    out, manifest = written
    mine = read_folder(out)
    theirs = dec.compute(con, load_policy())
    expected = {"stage_facts": (theirs.stage_facts, STAGE_SCHEMA), "case_facts": (theirs.case_facts, CASE_FACTS_SCHEMA),
                "case_decisions": (theirs.cases, decision_schema()),
                "order_counts": (theirs.order_counts, theirs.order_counts.schema)}
    assert manifest["rows"] == {name: mine[name].num_rows for name in spark_facts.TABLES}
    # The store is small; the equality below means something only while it holds every stage and outcome.
    assert set(theirs.stage_facts.column("stage").to_pylist()) == {s.name for s in STAGES}
    assert set(theirs.cases.column("outcome").to_pylist()) == {o.value for o in Outcome}
    for name, (table, schema) in expected.items():
        assert mine[name].num_rows == table.num_rows, name
        got, want = sorted_as(mine[name], schema, KEYS[name]), sorted_as(table, schema, KEYS[name])
        for column in schema.names:  # every column, exactly: Decimal money, hours to the bit
            assert got.column(column).equals(want.column(column)), f"{name}.{column}"
    # The decisions are partitioned by their case's week.
    facts = mine["case_facts"].sort_by("case_id")
    assert mine["case_decisions"].sort_by("case_id").column("week").equals(facts.column("week"))


def test_weekly_report_from_the_facts_equals_the_database_report(written, store, monkeypatch):
    con, _ = store
    out, _ = written
    policy = load_policy()
    on_db = weekly_report(con, policy, as_of=AS_OF)
    mine = read_folder(out)
    from_facts = dec.Decisions(policy=policy, key=(), stage_facts=mine["stage_facts"], case_facts=mine["case_facts"],
                               order_counts=mine["order_counts"],
                               cases=mine["case_decisions"].drop_columns(["week"]))
    monkeypatch.setattr(report_module, "decisions", lambda *_args, **_kw: from_facts)
    on_facts = weekly_report(con, policy, as_of=AS_OF)
    assert on_facts.to_dict() == on_db.to_dict()
    assert on_facts.to_csv_frame().equals(on_db.to_csv_frame())
    assert on_db.to_dict()["weeks"], "the report covers weeks"


def test_report_facts_over_the_spark_folder_equals_report_db(written, store):
    """What ``report --facts DIR`` prints from a folder Spark wrote (the folder reader, the
    manifest's policy and data_until) is what ``report --db`` prints: every week, including
    which weeks are complete, and the data's last event."""
    from data.facts_files import open_folder, reader

    con, _ = store
    out, manifest = written
    assert manifest["data_until"]["latest_event"], "Spark records how fresh its input is"
    policy = load_policy()
    on_db = weekly_report(con, policy, as_of=AS_OF)
    folder_con = reader(open_folder(out))
    try:
        on_facts = weekly_report(folder_con, policy, as_of=AS_OF)
    finally:
        folder_con.close()
    assert on_facts.to_dict() == on_db.to_dict()
    assert on_facts.to_csv_frame().equals(on_db.to_csv_frame())


def test_rewriting_replaces_the_folder(spark, store, written, tmp_path):
    """A run over an existing facts folder replaces it whole; a folder that is not one is refused."""
    _, folder = store
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    small(folder, tiny, cases=200)
    stranger = tmp_path / "other"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("keep me")
    with pytest.raises(DataError, match="not a facts folder"):
        spark_facts.write_facts(tiny / "orders.parquet", tiny / "cases.parquet", load_policy(), stranger, spark)
    assert (stranger / "notes.txt").read_text() == "keep me"
    out = tmp_path / "facts"
    shutil.copytree(written[0], out)
    manifest = spark_facts.write_facts(tiny / "orders.parquet", tiny / "cases.parquet", load_policy(), out, spark)
    assert manifest["rows"]["case_facts"] == 200
    assert read_folder(out)["case_facts"].num_rows == 200, "nothing of the old folder is left"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def small(folder: Path, target: Path, cases: int, orders_sql: str = "", cases_sql: str = "") -> None:
    """A few hundred rows of the store as Parquet, changed by the given SELECT lists."""
    con = duckdb.connect()
    try:
        con.execute(f"CREATE VIEW c AS SELECT * FROM '{folder}/cases.parquet' ORDER BY case_id LIMIT {cases}")
        con.execute(f"CREATE VIEW o AS SELECT * FROM '{folder}/orders.parquet' WHERE order_id IN (SELECT order_id FROM c)")
        con.execute(f"COPY (SELECT {orders_sql or '*'} FROM o) TO '{target}/orders.parquet' (FORMAT parquet)")
        con.execute(f"COPY (SELECT {cases_sql or '*'} FROM c) TO '{target}/cases.parquet' (FORMAT parquet)")
    finally:
        con.close()


BAD_INPUT = [
    pytest.param("", "* EXCLUDE (requested_at)", r"cases at .*: no column requested_at \(required\)", id="required-column-missing"),
    pytest.param("* REPLACE (CAST(placed_at AS VARCHAR) AS placed_at)", "", "column placed_at holds string, not timestamp",
                 id="timestamp-column-as-text"),
    pytest.param("", "* REPLACE (CAST(has_media AS INTEGER) AS has_media)", "column has_media holds int, not bool",
                 id="flag-column-as-number"),
    pytest.param("* FROM o UNION ALL SELECT *", "", "order_id given more than once", id="order-twice"),
    pytest.param("", "* REPLACE (CASE WHEN row_number() OVER (ORDER BY case_id) = 3 THEN NULL ELSE request END AS request)",
                 r"1 row\(s\) with request missing \(case_id ", id="required-value-missing"),
    pytest.param("* REPLACE (-order_amount - 1 AS order_amount)", "", "order_amount below 0", id="negative-amount"),
    pytest.param("", "* REPLACE (CASE WHEN row_number() OVER (ORDER BY case_id) = 1 "
                 "THEN TIMESTAMPTZ '2075-01-01 00:00+00' ELSE requested_at END AS requested_at)",
                 "outside the policy calendar's years 2000..2069", id="case-outside-the-calendar"),
]


@pytest.mark.parametrize(("orders_sql", "cases_sql", "message"), BAD_INPUT)
def test_bad_input_is_refused_naming_the_column(spark, store, tmp_path, orders_sql, cases_sql, message):
    _, folder = store
    small(folder, tmp_path, cases=50, orders_sql=orders_sql, cases_sql=cases_sql)
    out = tmp_path / "facts"
    with pytest.raises(DataError, match=message):
        spark_facts.write_facts(tmp_path / "orders.parquet", tmp_path / "cases.parquet", load_policy(), out, spark)
    assert not out.exists() and not list(tmp_path.glob(".facts.*")), "nothing is left behind"


def test_naive_timestamps_read_in_the_policy_zone(spark, store, written, tmp_path):
    """Parquet without zones (TIMESTAMP_NTZ, the policy zone's wall clock) decides as the same
    instants would: its facts are the written facts of those orders and cases."""
    _, folder = store
    small(folder, tmp_path, cases=300)
    naive = tmp_path / "naive"
    naive.mkdir()
    con = duckdb.connect()
    con.execute(f"SET TimeZone = '{load_policy().calendar.timezone}'")
    for table in ("orders", "cases"):
        types = con.sql(f"DESCRIBE SELECT * FROM '{tmp_path / table}.parquet'").fetchall()
        select = ", ".join(f"CAST({name} AS TIMESTAMP) AS {name}" if kind.startswith("TIMESTAMP") else name
                           for name, kind, *_ in types)
        con.execute(f"COPY (SELECT {select} FROM '{tmp_path / table}.parquet') TO '{naive / table}.parquet' (FORMAT parquet)")
    ids = {table: set(con.sql(f"SELECT {key} FROM '{tmp_path / table}.parquet'").fetchnumpy()[key])
           for table, key in (("orders", "order_id"), ("cases", "case_id"))}
    con.close()
    local = spark_facts.facts_tables(naive / "orders.parquet", naive / "cases.parquet", load_policy(), spark)
    assert pa.types.is_timestamp(local["case_facts"].schema.field("requested_at").type)
    everything = read_folder(written[0])
    keep = {"stage_facts": ("item_id", ids["orders"] | ids["cases"]), "case_facts": ("case_id", ids["cases"]),
            "case_decisions": ("case_id", ids["cases"])}
    for name, (key, wanted) in keep.items():
        schema = everything[name].schema
        expected = everything[name].filter(pc.is_in(everything[name].column(key), pa.array(sorted(wanted))))
        got = sorted_as(local[name], schema, KEYS[name])
        assert got.num_rows == expected.num_rows > 0, name
        assert got.equals(sorted_as(expected, schema, KEYS[name])), name


def test_the_project_zip_imports_and_decides_outside_the_checkout(tmp_path):
    """What a cluster's worker has: the zip on its path, no checkout. Import the packages, unpickle
    a policy and decide a case from there (a data file read by path would fail here)."""
    archive = spark_facts.project_zip(tmp_path)
    script = ("import pickle, sys; policy = pickle.loads(sys.stdin.buffer.read()); "
              "import policy as p, data.facts as f; assert f.__file__.startswith(sys.argv[1]), f.__file__; "
              "f.work_clock(policy); print(p.decide({'order_id': 'A1', 'order_amount': 40, 'category': 'apparel', "
              "'placed_at': '2025-03-03T09:00', 'shipped_at': '2025-03-04T09:00', 'delivered_at': '2025-03-10T14:00', "
              "'request': 'refund', 'reason': 'changed_mind', 'requested_at': '2025-04-09T11:00'}, policy).outcome.value)")
    import pickle

    done = subprocess.run([sys.executable, "-c", script, str(archive)], input=pickle.dumps(load_policy()),
                          capture_output=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(archive)})
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip()


# Which order statuses mean cancelled (data.columns.CANCELLED_STATUSES, any letter case): a
# cancelled order has no processing due date in either engine; other words, a stray space and
# no status at all leave the order in the processing SLA.
STATUS_SPELLINGS = {"cancelled": True, "Canceled": True, "CANCELLED": True, "cancelled ": False,
                    "shipped": False, None: False}


def test_a_cancelled_status_in_any_letter_case_drops_the_processing_due_in_both_engines(spark, store, tmp_path):
    _, folder = store
    spellings = list(STATUS_SPELLINGS)
    spelled = ("CASE row_number() OVER (ORDER BY order_id) % 6 "
               + " ".join(f"WHEN {i} THEN {'NULL' if s is None else repr(s)}" for i, s in enumerate(spellings)) + " END")
    small(folder, tmp_path, cases=80, orders_sql=f"* REPLACE ({spelled} AS status)")
    orders = pq.read_table(tmp_path / "orders.parquet")
    expected = {o: STATUS_SPELLINGS[s] for o, s in zip(orders.column("order_id").to_pylist(),
                                                       orders.column("status").to_pylist(), strict=True)}
    assert set(orders.column("status").to_pylist()) == set(spellings)

    out = tmp_path / "facts"
    spark_facts.write_facts(tmp_path / "orders.parquet", tmp_path / "cases.parquet", load_policy(), out, spark)
    con = data.connect(tmp_path / "small.duckdb", create_sample=False, quiet=True)
    try:
        for table in ("orders", "cases"):
            insert_frame(con, table, pq.read_table(tmp_path / f"{table}.parquet"))
        duck = dec.compute(con, load_policy()).stage_facts
        whatif_input = sql.arrow(con, "whatif_orders_input", **{"from": dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
                                                                "to": dt.datetime(2069, 1, 1, tzinfo=dt.UTC)})
        rowids = sql.arrow(con, "order_ids_of_rowids", rids=whatif_input.column("order_rid").to_pylist())
    finally:
        con.close()
    assert dict(zip(rowids.column("order_id").to_pylist(), whatif_input.column("cancelled").to_pylist(),
                    strict=True)) == expected
    for engine, stages in (("spark", read_folder(out)["stage_facts"]), ("duckdb", duck)):
        processing = stages.filter(pc.equal(stages.column("stage").cast(pa.string()), "processing"))
        got = dict(zip(processing.column("item_id").to_pylist(), processing.column("due").is_null().to_pylist(),
                       strict=True))
        assert got == expected, engine
