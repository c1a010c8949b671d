"""The facts folder (issue 12): ``python -m data facts --engine duckdb --orders --cases --out DIR``
writes the stored facts as Parquet partitioned by week; ``report --facts DIR`` prints, byte for
byte, what ``report --db`` prints on the same data; a folder shaped as Spark writes it reads the
same; every way a folder or an input can be wrong is one sentence and exit 2."""

from __future__ import annotations

import io
import json
import shutil
import sys
import types
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

import data
from data import decisions as dec
from data import facts_files
from data.__main__ import main
from data.facts import conform
from policy import load_policy

AS_OF = "2026-11-20T10:00:00+08:00"
SORT_KEYS = {"stage_facts": ["stage", "item_id"], "case_facts": ["case_id"], "case_decisions": ["case_id"],
             "order_counts": ["day", "category", "country"]}
STORED = {"stage_facts": "facts_stages", "case_facts": "facts_case_facts", "case_decisions": "facts_decisions",
          "order_counts": "facts_order_counts"}


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def exported(sample_db, tmp_path_factory) -> Path:
    """The sample's orders and cases as Parquet and CSV files."""
    folder = tmp_path_factory.mktemp("exported")
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        for table in ("orders", "cases"):
            con.execute(f"COPY {table} TO '{folder / table}.parquet' (FORMAT parquet)")
            con.execute(f"COPY {table} TO '{folder / table}.csv' (HEADER)")
    finally:
        con.close()
    return folder


@pytest.fixture(scope="module")
def folder(exported, tmp_path_factory) -> Path:
    """The sample's facts folder, written by the DuckDB engine from the Parquet export."""
    out = tmp_path_factory.mktemp("facts") / "facts"
    code, stdout, err = cli("facts", "--engine", "duckdb", "--orders", exported / "orders.parquet",
                            "--cases", exported / "cases.parquet", "--out", out)
    assert code == 0, err
    assert "written to" in stdout and "duckdb engine" in stdout
    return out


def copy_of(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    return target


def table_of(folder: Path, name: str) -> pa.Table:
    opened = facts_files.open_folder(folder)
    return {"stage_facts": opened.stage_facts, "case_facts": opened.case_facts, "case_decisions": opened.cases,
            "order_counts": opened.order_counts}[name]


def ordered(table: pa.Table, name: str) -> pa.Table:
    return table.sort_by([(k, "ascending") for k in SORT_KEYS[name]])


# --- the report from a folder equals the report from the database --------------------------

REPORTS = {
    "all": [],
    "category": ["--category", "electronics"],
    "country": ["--country", "DE"],
    "dates": ["--from", "2026-09-01", "--to", "2026-10-31"],
    "all-filters": ["--category", "apparel", "--country", "US", "--from", "2026-08-15", "--to", "2026-11-15"],
    "naive-as-of": ["--as-of", "2026-10-01T09:00:00"],
}


@pytest.mark.parametrize("fmt", ["--json", "--csv"])
@pytest.mark.parametrize("filters", list(REPORTS.values()), ids=list(REPORTS))
def test_report_from_the_folder_equals_the_report_from_the_database(sample_db, folder, filters, fmt):
    args = ["--as-of", AS_OF, *filters] if "--as-of" not in filters else filters
    code, from_db, err = cli("report", "--db", sample_db, *args, fmt)
    assert code == 0, err
    code, from_folder, err = cli("report", "--facts", folder, *args, fmt)
    assert code == 0, err
    assert from_folder == from_db
    if fmt == "--json":
        weeks = json.loads(from_folder)["weeks"]
        assert weeks and sum(w["cases"] for w in weeks) > 0  # the filters leave something to compare


def test_facts_decided_from_parquet_equal_the_facts_the_database_stores(sample_db, folder, tmp_path):
    copy = tmp_path / "stored.duckdb"
    copy.write_bytes(sample_db.read_bytes())
    dec.clear_cache()
    con = data.connect(copy, quiet=True)
    try:
        fp = dec.store_facts(con, load_policy())
        assert fp == json.loads((folder / "manifest.json").read_text())["fingerprint"]
        for name, stored_name in STORED.items():
            rel = con.cursor().table(stored_name).filter(f"fingerprint = '{fp}'").project("* EXCLUDE (fingerprint)")
            schema = facts_files.TABLES[name]
            if name == "case_decisions":
                schema = schema.remove(schema.get_field_index("week"))
            stored = ordered(conform(rel.to_arrow_table(), schema), name)
            written = ordered(conform(table_of(folder, name), schema), name)
            assert written.num_rows == stored.num_rows > 0, name
            for column in schema.names:  # every column, money exact, hours equal
                assert written.column(column).equals(stored.column(column)), (name, column)
    finally:
        con.close()
        dec.clear_cache()


def test_facts_from_csv_through_the_importer_equal_facts_from_parquet(exported, folder, tmp_path):
    out = tmp_path / "from-csv"
    code, _, err = cli("facts", "--orders", exported / "orders.csv", "--cases", exported / "cases.csv", "--out", out)
    assert code == 0, err
    from_csv, from_parquet = facts_files.read_tables(out), facts_files.read_tables(folder)
    for name in facts_files.TABLES:
        assert from_csv[name].num_rows > 0 and from_csv[name].equals(from_parquet[name]), name


def test_the_layout(folder):
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format"] == facts_files.FORMAT and manifest["engine"] == "duckdb"
    assert manifest["data_until"]["latest_event"].endswith("+00:00")
    assert (folder / "policy.toml").read_text() == load_policy().to_toml()
    for name in facts_files.TABLES:
        files = sorted((folder / name).rglob("*.parquet"))
        assert files and all(f.parent.name.startswith("week=") for f in files), name
        # with validated input no week is null (orders need placed_at, cases requested_at)
        assert not (folder / name / f"week={facts_files.NULL_PARTITION}").exists()
        assert pq.read_schema(files[0]).names == facts_files.file_schema(name).names
        assert sum(pq.read_metadata(f).num_rows for f in files) == manifest["rows"][name]


def test_the_folder_decisions_cover_every_case(folder):
    opened = facts_files.open_folder(folder)
    assert opened.cases.column_names == dec.decision_schema().names  # the database views' columns
    assert opened.cases.num_rows == opened.case_facts.num_rows == 10_000


# --- a folder shaped as Spark writes it ------------------------------------------------------

def sparkify(folder: Path, tmp_path: Path, null_week_table: str | None = None) -> Path:
    """The folder as Spark would write it: part-<n>-<uuid>.c000.snappy.parquet files with INT96
    timestamps, _SUCCESS and .crc files beside them; optionally one table's first partition
    moved to the null-week partition."""
    target = copy_of(folder, tmp_path)
    for name in facts_files.TABLES:
        for i, path in enumerate(sorted((target / name).rglob("*.parquet"))):
            table = pq.read_table(path)
            spark_name = path.parent / f"part-{i:05d}-7d1f0c2e-1b9a-4c55-9a0e-3f1a2b3c4d5e.c000.snappy.parquet"
            pq.write_table(table, spark_name, compression="snappy", use_deprecated_int96_timestamps=True)
            path.unlink()
            (path.parent / f".{spark_name.name}.crc").write_bytes(b"crc")
        (target / name / "_SUCCESS").write_bytes(b"")
    if null_week_table:
        first = sorted(p for p in (target / null_week_table).iterdir() if p.is_dir())[0]
        first.rename(first.parent / f"week={facts_files.NULL_PARTITION}")
    return target


@pytest.mark.parametrize("fmt", ["--json", "--csv"])
def test_a_spark_shaped_folder_reads_the_same(sample_db, folder, tmp_path, fmt):
    spark = sparkify(folder, tmp_path)
    manifest = json.loads((spark / "manifest.json").read_text())
    (spark / "manifest.json").write_text(json.dumps({**manifest, "engine": "spark"}))
    assert pq.read_schema(next((spark / "stage_facts").rglob("*.parquet"))).field("due").type == pa.timestamp("ns")
    code, from_db, _ = cli("report", "--db", sample_db, "--as-of", AS_OF, fmt)
    code, from_spark, err = cli("report", "--facts", spark, "--as-of", AS_OF, fmt)
    assert code == 0, err
    assert from_spark == from_db


def test_an_empty_table_as_spark_writes_it_reads_as_no_rows(folder, tmp_path):
    """Spark writes an empty partitioned table as one empty file at the table's root."""
    spark = sparkify(folder, tmp_path)
    shutil.rmtree(spark / "case_decisions")
    (spark / "case_decisions").mkdir()
    pq.write_table(facts_files.file_schema("case_decisions").empty_table(),
                   spark / "case_decisions" / "part-00000-0d9e.c000.snappy.parquet")
    (spark / "case_decisions" / "_SUCCESS").write_bytes(b"")
    manifest = json.loads((spark / "manifest.json").read_text())
    manifest["rows"]["case_decisions"] = 0
    (spark / "manifest.json").write_text(json.dumps(manifest))
    assert facts_files.open_folder(spark).cases.num_rows == 0
    code, _, err = cli("report", "--facts", spark, "--as-of", AS_OF, "--json")
    assert code == 0, err  # the report reads no decision table


def test_a_null_week_partition_reads_as_null_and_stays_out_of_the_weeks(folder, tmp_path):
    spark = sparkify(folder, tmp_path, null_week_table="stage_facts")
    items = facts_files.open_folder(spark).stage_facts
    nulls = pc.sum(pc.is_null(items.column("week"))).as_py()
    assert 0 < nulls < items.num_rows
    code, out, err = cli("report", "--facts", spark, "--as-of", AS_OF, "--json")
    assert code == 0, err
    assert all(w["week"] for w in json.loads(out)["weeks"])


# --- a folder that cannot be read: one sentence, exit 2 ---------------------------------------

def _no_manifest(d: Path) -> None:
    (d / "manifest.json").unlink()


def _wrong_format(d: Path) -> None:
    manifest = json.loads((d / "manifest.json").read_text())
    (d / "manifest.json").write_text(json.dumps({**manifest, "format": "returns-desk-facts/0"}))


def _table_folder_missing(d: Path) -> None:
    shutil.rmtree(d / "case_facts")


def _wrong_column_type(d: Path) -> None:
    path = sorted((d / "case_facts").rglob("*.parquet"))[0]
    table = pq.read_table(path)
    index = table.schema.get_field_index("refund_paid")
    pq.write_table(table.set_column(index, "refund_paid", pc.cast(table.column("refund_paid"), pa.float64())), path)


def _empty_folder(d: Path) -> None:
    shutil.rmtree(d)
    d.mkdir()


def _file_lost(d: Path) -> None:
    sorted((d / "stage_facts").rglob("*.parquet"))[-1].unlink()


def _policy_edited(d: Path) -> None:
    (d / "policy.toml").write_text(load_policy().to_toml().replace("window_days = 30", "window_days = 45"))


def _outside_a_partition(d: Path) -> None:
    path = sorted((d / "order_counts").rglob("*.parquet"))[0]
    path.rename(d / "order_counts" / path.name)


def _column_missing(d: Path) -> None:
    path = sorted((d / "stage_facts").rglob("*.parquet"))[0]
    pq.write_table(pq.read_table(path).drop_columns(["hours"]), path)


def _not_json(d: Path) -> None:
    (d / "manifest.json").write_text("{format: ")


HOSTILE = {
    "missing-manifest": (_no_manifest, "has no manifest.json: not a facts folder, or its writing did not finish"),
    "wrong-format-tag": (_wrong_format, "format is 'returns-desk-facts/0', expected 'returns-desk-facts/1'"),
    "table-folder-missing": (_table_folder_missing, "the table folder case_facts/ is missing"),
    "wrong-column-type": (_wrong_column_type, "column refund_paid is double, expected decimal128(12, 2)"),
    "empty-folder": (_empty_folder, "is empty: not a facts folder"),
    "a-file-lost": (_file_lost, "but the manifest says"),
    "policy-edited": (_policy_edited, "is not that of its policy.toml"),
    "file-outside-a-week": (_outside_a_partition, "not in a week partition"),
    "column-missing": (_column_missing, "column hours is missing"),
    "manifest-not-json": (_not_json, "cannot be read as JSON"),
}


@pytest.mark.parametrize("spoil,expected", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_spoiled_folder_is_one_clear_error(folder, tmp_path, spoil, expected):
    spoiled = copy_of(folder, tmp_path)
    spoil(spoiled)
    code, out, err = cli("report", "--facts", spoiled, "--as-of", AS_OF, "--json")
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and expected in err and "Traceback" not in err
    assert str(spoiled) in err  # the folder, or the file in it


def test_no_folder_at_all(tmp_path):
    code, _, err = cli("report", "--facts", tmp_path / "nowhere", "--json")
    assert code == 2 and "There is no facts folder at" in err


# --- the policy ------------------------------------------------------------------------------

def test_an_explicit_policy_must_be_the_folders(folder, tmp_path):
    same = tmp_path / "same.toml"
    same.write_text(load_policy().to_toml())
    code, _, err = cli("report", "--facts", folder, "--policy", same, "--as-of", AS_OF, "--json")
    assert code == 0, err
    other = tmp_path / "other.toml"
    other.write_text('name = "Longer returns"\n[returns]\nwindow_days = 45\n')
    code, out, err = cli("report", "--facts", folder, "--policy", other, "--as-of", AS_OF, "--json")
    assert (code, out) == (2, "")
    fp = json.loads((folder / "manifest.json").read_text())["fingerprint"]
    assert "'Store policy'" in err and fp in err and "'Longer returns'" in err and str(other) in err


def test_a_folder_decided_under_another_policy_reports_under_it(exported, tmp_path):
    policy = tmp_path / "longer.toml"
    policy.write_text('name = "Longer returns"\n[returns]\nwindow_days = 45\n')
    out = tmp_path / "facts"
    code, _, err = cli("facts", "--orders", exported / "orders.parquet", "--cases", exported / "cases.parquet",
                       "--policy", policy, "--out", out)
    assert code == 0, err
    code, printed, err = cli("report", "--facts", out, "--as-of", AS_OF, "--json")
    assert code == 0, err
    assert json.loads(printed)["policy"] == "Longer returns"


def test_db_and_facts_together_are_refused(sample_db, folder):
    code, _, err = cli("report", "--db", sample_db, "--facts", folder, "--json")
    assert code == 2 and "give one" in err


def test_alerts_need_the_database(folder):
    code, out, err = cli("alerts", "--facts", folder, "--json")
    assert (code, out) == (2, "")
    assert "agent" in err and "--db" in err


# --- writing ---------------------------------------------------------------------------------

def test_writing_again_replaces_the_folder_whole(exported, folder, tmp_path):
    out = copy_of(folder, tmp_path)
    (out / "stage_facts" / "week=2001-01-01").mkdir()
    (out / "stage_facts" / "week=2001-01-01" / "stale.parquet").write_bytes(b"old")
    code, _, err = cli("facts", "--orders", exported / "orders.parquet", "--cases", exported / "cases.parquet",
                       "--out", out)
    assert code == 0, err
    assert not (out / "stage_facts" / "week=2001-01-01").exists()
    assert facts_files.open_folder(out).manifest["rows"] == facts_files.open_folder(folder).manifest["rows"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy"]  # no staging or old folder left beside it


def test_a_folder_of_other_files_is_not_replaced(exported, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, _, err = cli("facts", "--orders", exported / "orders.parquet", "--cases", exported / "cases.parquet",
                       "--out", out)
    assert code == 2 and "left untouched" in err
    assert (out / "notes.txt").read_text() == "keep me"


def test_a_bad_csv_row_names_line_and_column_and_writes_nothing(exported, tmp_path):
    lines = (exported / "cases.csv").read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[5].split(",")
    cells[header.index("request")] = "refnud"
    bad = tmp_path / "cases.csv"
    bad.write_text("\n".join([*lines[:5], ",".join(cells), *lines[6:]]) + "\n")
    out = tmp_path / "facts"
    code, _, err = cli("facts", "--orders", exported / "orders.csv", "--cases", bad, "--out", out)
    assert code == 2
    assert "cases.csv" in err and "line 6, column request, value 'refnud'" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.csv"]  # no folder, no staging


def test_a_map_reads_a_renamed_csv(exported, folder, tmp_path):
    orders = (exported / "orders.csv").read_text().replace("order_id,placed_at", "Order number,Created at", 1)
    (tmp_path / "orders.csv").write_text(orders)
    (tmp_path / "orders.map.toml").write_text('[columns]\norder_id = "Order number"\nplaced_at = "Created at"\n')
    out = tmp_path / "facts"
    code, _, err = cli("facts", "--orders", tmp_path / "orders.csv", "--orders-map", tmp_path / "orders.map.toml",
                       "--cases", exported / "cases.parquet", "--out", out)
    assert code == 0, err
    assert ordered(table_of(out, "stage_facts"), "stage_facts").equals(
        ordered(table_of(folder, "stage_facts"), "stage_facts"))


def _split(exported: Path, tmp_path: Path, overlap: int) -> Path:
    """The orders as a folder of two Parquet files (Spark-style names, a _SUCCESS file), the
    second repeating ``overlap`` ids of the first."""
    orders = pq.read_table(exported / "orders.parquet")
    half = orders.num_rows // 2
    target = tmp_path / "orders"
    target.mkdir()
    pq.write_table(orders.slice(0, half), target / "part-00000.snappy.parquet")
    pq.write_table(orders.slice(half - overlap), target / "part-00001.snappy.parquet")
    (target / "_SUCCESS").write_bytes(b"")
    return target


@pytest.mark.parametrize("overlap,expected", [(0, None), (1, "repeat ids of an earlier file")],
                         ids=["disjoint", "an-id-in-both"])
def test_a_folder_of_parquet_files_is_one_table(exported, folder, tmp_path, overlap, expected):
    out = tmp_path / "facts"
    code, _, err = cli("facts", "--orders", _split(exported, tmp_path, overlap),
                       "--cases", exported / "cases.parquet", "--out", out)
    if expected is None:
        assert code == 0, err
        assert facts_files.open_folder(out).manifest["rows"] == facts_files.open_folder(folder).manifest["rows"]
    else:
        assert code == 2 and expected in err and "part-00001.snappy.parquet" in err
        assert not out.exists()


def _retyped(exported: Path, tmp_path: Path, table: str, column: str, array) -> Path:
    source = pq.read_table(exported / f"{table}.parquet")
    index = source.schema.get_field_index(column)
    path = tmp_path / f"{table}.parquet"
    pq.write_table(source.set_column(index, column, array(source.column(column))), path)
    return path


INPUT_TYPES = {
    "timestamp-as-number": ("orders", "placed_at", lambda c: pc.cast(pc.cast(c, pa.int64()), pa.float64()),
                            "column placed_at is double; orders.placed_at needs a timestamp"),
    "amount-as-timestamp": ("orders", "order_amount", lambda c: pa.nulls(len(c), pa.timestamp("us", tz="UTC")),
                            "column order_amount is timestamp[us, tz=UTC]; orders.order_amount needs an amount"),
    "flag-as-number": ("cases", "has_media", lambda c: pc.cast(c, pa.float64()),
                       "column has_media is double; cases.has_media needs a boolean"),
}


def _int96(exported: Path, tmp_path: Path, table: str) -> Path:
    path = tmp_path / f"{table}.parquet"
    pq.write_table(pq.read_table(exported / f"{table}.parquet"), path, use_deprecated_int96_timestamps=True)
    return path


def _without(exported: Path, tmp_path: Path, table: str, column: str) -> Path:
    path = tmp_path / f"{table}.parquet"
    pq.write_table(pq.read_table(exported / f"{table}.parquet").drop_columns([column]), path)
    return path


BAD_INPUTS = {
    **{name: (table, lambda e, t, table=table, column=column, array=array: _retyped(e, t, table, column, array),
              expected) for name, (table, column, array, expected) in INPUT_TYPES.items()},
    "spark-int96-timestamps": ("orders", lambda e, t: _int96(e, t, "orders"),
                               "column placed_at holds INT96 timestamps"),
    "required-column-missing": ("cases", lambda e, t: _without(e, t, "cases", "requested_at"),
                                "has no column for requested_at (required)"),
}


@pytest.mark.parametrize("table,make,expected", list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_a_parquet_input_column_of_the_wrong_type_is_named(exported, tmp_path, table, make, expected):
    bad = make(exported, tmp_path)
    other = "cases" if table == "orders" else "orders"
    code, _, err = cli("facts", f"--{table}", bad, f"--{other}", exported / f"{other}.parquet",
                       "--out", tmp_path / "facts")
    assert code == 2 and bad.name in err and expected in err
    assert not (tmp_path / "facts").exists()


@pytest.mark.parametrize("args,expected", [
    (["--orders", "o.parquet", "--cases", "c.parquet"], "needs --out"),
    (["--engine", "spark"], "needs --out"),
    (["--out", "x"], "--out needs --orders and --cases"),
], ids=["inputs-without-out", "spark-without-out", "out-without-inputs"])
def test_facts_arguments_that_do_not_fit(args, expected):
    code, _, err = cli("facts", *args)
    assert code == 2 and expected in err


# --- the Spark engine's hook -----------------------------------------------------------------

def _no_engine_module(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "data.spark_facts", None)  # its import fails as when it is absent


def _no_pyspark(monkeypatch) -> None:
    import importlib

    def fail(name, package=None):
        raise ModuleNotFoundError("No module named 'pyspark'", name="pyspark")

    monkeypatch.setattr(importlib, "import_module", fail)  # data.spark_facts is there, pyspark is not


@pytest.mark.parametrize("missing", [_no_engine_module, _no_pyspark], ids=["no-engine-module", "no-pyspark"])
def test_spark_without_its_engine_is_one_line(exported, tmp_path, monkeypatch, missing):
    missing(monkeypatch)
    code, _, err = cli("facts", "--engine", "spark", "--orders", exported / "orders.parquet",
                       "--cases", exported / "cases.parquet", "--out", tmp_path / "facts")
    assert code == 2
    assert err.count("\n") == 1 and "scripts/install.sh --spark" in err


def test_spark_engine_hook_gets_the_inputs_the_policy_and_the_folder(exported, tmp_path, monkeypatch):
    calls = []
    fake = types.ModuleType("data.spark_facts")
    fake.write_facts = lambda orders, cases, policy, out: calls.append((orders, cases, policy.name, out))
    monkeypatch.setitem(sys.modules, "data.spark_facts", fake)
    code, stdout, err = cli("facts", "--engine", "spark", "--orders", exported / "orders.parquet",
                            "--cases", exported / "cases.parquet", "--out", tmp_path / "facts")
    assert code == 0, err
    assert calls == [(exported / "orders.parquet", exported / "cases.parquet", "Store policy", tmp_path / "facts")]
    assert "spark engine" in stdout
