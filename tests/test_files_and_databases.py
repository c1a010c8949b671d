"""Files and databases no one here made (issue 9, E): odd Parquet files, another program's
DuckDB file, a database path that does not exist, an unwritable rejects folder, a disk that fills
up mid-import, deeply nested JSON and TOML. Each gets one clear sentence; nothing is lost."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import data
from data.db import holds_sample
from data.importer import import_file

ROOT = Path(__file__).resolve().parents[1]
PLACED = "2025-03-03T09:00:00+08:00"


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data", *args], cwd=ROOT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=120)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def con(tmp_path):
    connection = data.connect(tmp_path / "files.duckdb", create_sample=False, quiet=True)
    yield connection
    connection.close()


# ------------------------------------------------------------------ odd Parquet
def _parquet(tmp_path: Path, column: str, array: pa.Array) -> Path:
    path = tmp_path / "orders.parquet"
    n = len(array)
    table = pa.table({"order_id": pa.array([f"P{i}" for i in range(n)]),
                      "placed_at": pa.array([PLACED] * n), column: array})
    if column == "order_id":
        table = pa.table({"order_id": array, "placed_at": pa.array([PLACED] * n)})
    pq.write_table(table, path)
    return path


ODD_PARQUET = [
    pytest.param("category", pa.array([["a", "b"], ["c"]]), "column category is a list column", id="list-column"),
    pytest.param("category", pa.array([{"x": 1}, {"x": 2}]), "column category is a struct column", id="struct-column"),
    pytest.param("category", pa.array([[("k", "v")], [("k", "w")]], pa.map_(pa.string(), pa.string())),
                 "column category is a map column", id="map-column"),
    pytest.param("order_id", pa.array([b"\xff\xfe", b"ok"], pa.binary()), "column order_id holds bytes that are not UTF-8",
                 id="binary-id-not-utf8"),
    pytest.param("order_amount", pa.array([[1.5], [2.5]], pa.list_(pa.float64())), "column order_amount is a list column",
                 id="list-of-amounts"),
]


@pytest.mark.parametrize("column, array, words", ODD_PARQUET)
def test_odd_parquet_is_refused_in_one_line_naming_the_column(con, tmp_path, column, array, words):
    path = _parquet(tmp_path, column, array)
    with pytest.raises(data.DataError) as err:
        import_file(con, "orders", path)
    assert words in str(err.value) and "\n" not in str(err.value)
    res = cli("import", "orders", str(path), "--db", str(tmp_path / "cli.duckdb"))
    assert res.returncode == 2 and words in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 2  # "creating a new database" notice + the error


def test_binary_id_that_is_utf8_text_imports(con, tmp_path):
    path = _parquet(tmp_path, "order_id", pa.array([b"P1", "Pé".encode()], pa.binary()))
    assert import_file(con, "orders", path).inserted == 2


@pytest.mark.parametrize("content", [b"order_id,placed_at\nA1,2025-03-03\n", b"PAR1" + b"\0" * 50, b"PAR1garbagePAR1"],
                         ids=["csv-named-parquet", "truncated-header", "bad-footer"])
def test_a_file_that_is_not_parquet(con, tmp_path, content):
    path = tmp_path / "orders.parquet"
    path.write_bytes(content)
    with pytest.raises(data.DataError, match="is not a readable Parquet file"):
        import_file(con, "orders", path)
    res = cli("import", "orders", str(path), "--db", str(tmp_path / "cli.duckdb"))
    assert res.returncode == 2 and "not a readable Parquet file" in res.stderr and "Traceback" not in res.stderr


# ------------------------------------------------------------------ another program's database
def _foreign(path: Path) -> Path:
    other = duckdb.connect(str(path))
    other.execute("CREATE TABLE invoices (id INTEGER, total DECIMAL(10,2)); INSERT INTO invoices VALUES (1, 9.99)")
    other.execute("CREATE TABLE orders (id INTEGER, customer VARCHAR)")  # same name, not ours
    other.close()
    return path


@pytest.mark.parametrize("read_only, create", [(False, True), (True, True), (True, False), (False, False)],
                         ids=["import-open", "read-only", "report-open", "app-open"])
def test_another_programs_database_is_refused_untouched(tmp_path, read_only, create):
    path = _foreign(tmp_path / "other.duckdb")
    before = digest(path)
    with pytest.raises(data.DataError, match="is not a Returns Desk database"):
        data.connect(path, read_only=read_only, create=create, quiet=True)
    assert digest(path) == before


@pytest.mark.parametrize("command", [
    ["import", "orders", "{csv}", "--db", "{db}"],
    ["report", "--json", "--db", "{db}"],
    ["quality", "--db", "{db}"],
], ids=["import", "report", "quality"])
def test_cli_refuses_another_programs_database(tmp_path, command):
    db = _foreign(tmp_path / "other.duckdb")
    csv = tmp_path / "o.csv"
    csv.write_text(f"order_id,placed_at\nA1,{PLACED}\n")
    before = digest(db)
    res = cli(*[c.format(csv=csv, db=db) for c in command])
    assert res.returncode == 2 and "is not a Returns Desk database" in res.stderr
    assert "Traceback" not in res.stderr and digest(db) == before


@pytest.mark.parametrize("command", [["import", "orders", "{csv}", "--db", "{db}"], ["report", "--json", "--db", "{db}"]],
                         ids=["import", "report"])
def test_an_empty_database_file_is_taken(tmp_path, command):
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    csv = tmp_path / "o.csv"
    csv.write_text(f"order_id,placed_at\nA1,{PLACED}\n")
    res = cli(*[c.format(csv=csv, db=db) for c in command])
    assert res.returncode == 0, res.stderr


# ------------------------------------------------------------------ a path that does not exist
@pytest.mark.parametrize("how", ["flag", "environment"])
@pytest.mark.parametrize("command", ["report", "quality"])
def test_missing_database_path_is_an_error_naming_it(tmp_path, how, command):
    missing = tmp_path / "typo" / "nope.duckdb"
    args = [command, "--json"] if command == "report" else [command]
    res = cli(*args, "--db", str(missing)) if how == "flag" else cli(*args, env={"RETURNS_DESK_DB": str(missing)})
    assert res.returncode == 2 and f"There is no database at {missing}" in res.stderr
    assert not missing.exists() and not missing.parent.exists()


def test_missing_path_only_the_default_gets_the_sample(tmp_path, monkeypatch):
    import data.db as dbmod

    with pytest.raises(data.DataError, match="There is no database at"):
        data.connect(tmp_path / "nope.duckdb", create=False, quiet=True)
    monkeypatch.setattr(dbmod, "DEFAULT_DB", tmp_path / "var" / "returns_desk.duckdb")
    monkeypatch.delenv("RETURNS_DESK_DB", raising=False)
    con = dbmod.connect(None, create=False, quiet=True)
    try:
        assert holds_sample(con)
    finally:
        con.close()


def test_import_into_a_new_path_makes_an_empty_database_and_says_so(tmp_path):
    db = tmp_path / "new.duckdb"
    csv = tmp_path / "o.csv"
    csv.write_text(f"order_id,placed_at\nA1,{PLACED}\n")
    res = cli("import", "orders", str(csv), "--db", str(db))
    assert res.returncode == 0 and "creating a new, empty database" in res.stderr
    con = data.connect(db, read_only=True, create=False)
    try:
        assert not holds_sample(con)
        assert con.cursor().execute("SELECT count(*) FROM orders").fetchall()[0][0] == 1
    finally:
        con.close()


# ------------------------------------------------------------------ writing fails
def test_skip_bad_when_the_rejects_cannot_be_written(con, tmp_path):
    csv = tmp_path / "o.csv"
    csv.write_text(f"order_id,placed_at,order_amount\nA1,{PLACED},1\nA2,{PLACED},ten\n")
    (tmp_path / "o.csv.rejects.csv").mkdir()  # something in the way, as a read-only folder would be
    with pytest.raises(data.DataError, match="cannot write the rejected rows to .*nothing was imported"):
        import_file(con, "orders", csv, skip_bad=True)
    assert con.cursor().execute("SELECT count(*) FROM orders").fetchall()[0][0] == 0
    res = cli("import", "orders", str(csv), "--skip-bad", "--db", str(tmp_path / "cli.duckdb"))
    assert res.returncode == 2 and "cannot write the rejected rows" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_skip_bad_in_a_read_only_folder(con, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    csv = folder / "o.csv"
    csv.write_text(f"order_id,placed_at,order_amount\nA1,{PLACED},1\nA2,{PLACED},ten\n")
    folder.chmod(0o555)
    try:
        with pytest.raises(data.DataError, match="cannot write the rejected rows"):
            import_file(con, "orders", csv, skip_bad=True)
    finally:
        folder.chmod(0o755)


DISK_FULL = textwrap.dedent("""
    import json, resource, signal, sys
    from pathlib import Path
    import data
    from data.importer import import_file

    db, big, small = (Path(p) for p in sys.argv[1:4])
    con = data.connect(db, create_sample=False, quiet=True)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) like a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (db.stat().st_size + 100_000, resource.RLIM_INFINITY))
    out = []
    for path in (big, small):
        try:
            out.append(import_file(con, "orders", path).summary())
        except data.DataError as exc:
            out.append("error: " + str(exc))
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    out.append(import_file(con, "orders", big).summary())
    out.append(con.cursor().execute("SELECT count(*) FROM orders").fetchall()[0][0])
    print(json.dumps(out))
""")


def test_a_failed_commit_is_reported_as_itself_and_the_next_import_works(tmp_path):
    """A disk that fills up at commit: the message names the write that failed (not "cannot
    rollback - no transaction is active"), nothing of the file is kept, and later imports run."""
    big, small = tmp_path / "big.csv", tmp_path / "small.csv"
    big.write_text("order_id,placed_at,category\n" + "".join(f"B{i},{PLACED},category {i}\n" for i in range(5000)))
    small.write_text(f"order_id,placed_at\nS1,{PLACED}\n")
    res = subprocess.run([sys.executable, "-c", DISK_FULL, str(tmp_path / "full.duckdb"), str(big), str(small)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert res.returncode == 0, res.stderr
    first, second, again, count = json.loads(res.stdout)
    assert first.startswith("error: import of big.csv failed, nothing was imported")
    assert "File too large" in first and "no transaction is active" not in first
    assert "1 inserted" in second
    assert "5,000 inserted" in again and count == 5001


# ------------------------------------------------------------------ deeply nested input
def test_deeply_nested_json_line_gets_its_own_error_and_later_lines_are_decided():
    from policy.cli import main

    good = json.dumps({"order_id": "A1", "order_amount": 40, "placed_at": "2025-03-03T09:00",
                       "request": "cancel", "requested_at": "2025-03-03T10:00"})
    deep = "[" * 100_000 + "]" * 100_000
    nested_case = '{"order_id": ' + "[" * 5000 + "]" * 5000 + "}"
    out = io.StringIO()
    code = main(["decide"], stdin=io.StringIO("\n".join([deep, good, nested_case, good]) + "\n"), stdout=out)
    lines = [json.loads(x) for x in out.getvalue().splitlines()]
    assert code == 1 and len(lines) == 4
    assert lines[0] == {"line": 1, "error": {"field": "", "reason": "not a case: JSON nested too deeply"}}
    assert lines[1]["outcome"] == lines[3]["outcome"] == "cancel_free"
    assert lines[2]["line"] == 3 and "error" in lines[2]


@pytest.mark.parametrize("kind", ["policy", "map"])
def test_deeply_nested_toml_is_a_clear_error(tmp_path, kind):
    path = tmp_path / "deep.toml"
    path.write_text('name = "x"\nv = ' + "[" * 50_000 + "1" + "]" * 50_000 + "\n")
    if kind == "policy":
        from policy import PolicyError, load_policy

        with pytest.raises(PolicyError, match="nested too deeply"):
            load_policy(path)
        res = subprocess.run([sys.executable, "-m", "policy", "decide", "--policy", str(path)], input="",
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert res.returncode == 2 and "nested too deeply" in res.stderr and "Traceback" not in res.stderr
    else:
        from data.mapping import load_map

        with pytest.raises(data.DataError, match="nested too deeply"):
            load_map(path, "orders")


# ------------------------------------------------------------------ the calendar's last hours
@pytest.mark.parametrize("placed, accepted", [
    ("2069-12-31T09:59:59Z", True),
    ("2069-12-31T10:00:00Z", False),
    ("2069-12-31T17:59:59+08:00", True),
    ("2069-12-31T23:00:00+08:00", False),
    ("2000-01-01T12:00:00Z", True),
    ("2000-01-01T11:59:59Z", False),
    ("2000-01-01T00:00:00-12:00", True),
], ids=["last-second-everywhere", "already-2070-in-kiritimati", "late-2069-shanghai-ok", "late-2069-shanghai-refused",
        "first-second-everywhere", "still-1999-in-baker-island", "midnight-utc-12"])
def test_import_keeps_times_decidable_in_every_zone(con, tmp_path, placed, accepted):
    csv = tmp_path / "o.csv"
    csv.write_text(f"order_id,placed_at\nL1,{placed}\n")
    if accepted:
        assert import_file(con, "orders", csv).inserted == 1
    else:
        with pytest.raises(data.DataError, match="year outside 2000..2069 in some time zone"):
            import_file(con, "orders", csv)


def _policy(zone: str, country: str = "NZ"):
    from policy.params import parse_policy

    return parse_policy(f'name = "{zone}"\n[calendar]\ncountry = "{country}"\ntimezone = "{zone}"\n')


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Auckland", "Asia/Shanghai", "America/Sao_Paulo",
                                  "Pacific/Pago_Pago"])
def test_the_latest_importable_order_is_reported_in_any_zone(con, tmp_path, zone):
    from data.report import weekly_report

    orders, cases = tmp_path / "o.csv", tmp_path / "c.csv"
    orders.write_text("order_id,placed_at,shipped_at,delivered_at,order_amount\n"
                      "L1,2069-12-31T09:00:00Z,2069-12-31T09:30:00Z,2069-12-31T09:50:00Z,10\n"
                      f"E1,{PLACED},,,5\n")
    cases.write_text("case_id,order_id,request,reason,requested_at\nLC1,L1,refund,damaged,2069-12-31T09:59:00Z\n")
    import_file(con, "orders", orders)
    import_file(con, "cases", cases)
    for period in [(None, None), ("2025-01-01", "2025-12-31")]:
        report = weekly_report(con, _policy(zone), *period, "2069-12-31T09:59:30Z").to_dict()
        assert report["weeks"]


def test_a_stored_time_outside_the_zones_calendar_is_named(con):
    """Stored before the import checked every zone (or written by a program): the report says
    which case, which column and which zone, instead of a row number."""
    from data.db import insert_frame
    from data.report import weekly_report

    late = pd.Timestamp("2069-12-31T23:00:00+08:00")
    insert_frame(con, "orders", pd.DataFrame({"order_id": ["L1"], "placed_at": [late], "order_amount": [10]}))
    insert_frame(con, "cases", pd.DataFrame({"case_id": ["LC1"], "order_id": ["L1"], "request": ["refund"],
                                             "reason": ["damaged"], "requested_at": [late]}))
    assert weekly_report(con, _policy("Asia/Shanghai", "CN"), None, None, "2069-12-31T23:30:00+08:00").to_dict()["weeks"]
    with pytest.raises(data.DataError) as err:
        weekly_report(con, _policy("Pacific/Auckland"), "2025-01-01", "2025-12-31", "2069-12-31T23:30:00+08:00")
    assert "LC1" in str(err.value) or "L1" in str(err.value)
    assert "Pacific/Auckland" in str(err.value) and "2070-01-01" in str(err.value) and "row 0" not in str(err.value)


@pytest.mark.parametrize("value, expected", [
    (18.990000000000002, "18.99"), (0.1 + 0.2, "0.30"), (19.99, "19.99"), (12.5, "12.50"), (9999999999.99, "9999999999.99"),
    (12.345, None), (12.3449, None), (None, "0.00"),
], ids=["float-sum-noise", "point-three", "plain", "one-decimal", "ten-digits", "third-decimal-refused",
        "fourth-decimal-refused", "null-is-zero"])
def test_parquet_float_amounts_are_read_to_the_cent_never_rounded_away(con, tmp_path, value, expected):
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.table({"order_id": ["F1"], "placed_at": [PLACED], "order_amount": pa.array([value], pa.float64())}), path)
    if expected is None:
        with pytest.raises(data.DataError, match="more than 2 decimals"):
            import_file(con, "orders", path)
        return
    import_file(con, "orders", path)
    assert str(con.cursor().execute("SELECT order_amount FROM orders").fetchall()[0][0]) == expected
