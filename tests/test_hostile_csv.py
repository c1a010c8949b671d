"""A corpus of broken and hostile CSV files (tests/corpus/): each one either imports correctly
or fails naming its line (and column, where a cell is at fault) — and a failure leaves the
database exactly as it was."""

from pathlib import Path

import pytest

import data
from data.importer import import_file

CORPUS = Path(__file__).resolve().parent / "corpus"
HEADER = ("order_id,placed_at,shipped_at,delivered_at,promised_delivery_at,order_amount,currency,"
          "category,country,status")


def row(i: int, placed: str = "2025-03-03T09:00:00+08:00") -> str:
    return f"B{i},{placed},,,,12.50,USD,home,CN,placed"


@pytest.fixture
def con(tmp_path):
    """A database holding three orders already, so 'unchanged' means something."""
    connection = data.connect(tmp_path / "hostile.duckdb", create_sample=False, quiet=True)
    base = tmp_path / "base.csv"
    base.write_text("\n".join([HEADER, row(1), row(2), row(3)]) + "\n")
    import_file(connection, "orders", base)
    yield connection
    connection.close()


def snapshot(con):
    return con.cursor().execute("SELECT * FROM orders ORDER BY order_id").fetchall()


IMPORTS = [  # file, orders it adds
    pytest.param("byte_order_mark.csv", 2, id="byte-order-mark"),
    pytest.param("formula_cells.csv", 3, id="formula-cells-stored-as-text"),
    pytest.param("delivery_before_shipping.csv", 2, id="delivery-before-shipping-is-a-finding-not-an-error"),
    pytest.param("windows_line_endings.csv", 2, id="crlf-line-endings"),
    pytest.param("hostile_text.csv", 3, id="html-markdown-sql-as-plain-text"),
]


@pytest.mark.parametrize("name, added", IMPORTS)
def test_imports_correctly(con, name, added):
    before = len(snapshot(con))
    result = import_file(con, "orders", CORPUS / name)
    assert result.inserted == added
    rows = snapshot(con)
    assert len(rows) == before + added
    assert not any(isinstance(v, str) and "\r" in v for r in rows for v in r)


def test_hostile_text_is_stored_verbatim(con):
    import_file(con, "orders", CORPUS / "hostile_text.csv")
    categories = {r[0]: r[1] for r in con.cursor().execute(
        "SELECT order_id, category FROM orders WHERE order_id IN ('O1','O2','O3')").fetchall()}
    assert categories == {"O1": "<img src=x onerror=alert(1)>", "O2": "[click](javascript:alert(1))",
                          "O3": "' OR 1=1--"}
    assert len(snapshot(con)) == 6  # nothing dropped, nothing injected


FAILURES = [  # file, words the error must contain
    pytest.param("ragged_extra_field.csv", ["line 4"], id="ragged-extra-field"),
    pytest.param("ragged_missing_fields.csv", ["line 3"], id="ragged-missing-fields"),
    pytest.param("delimiter_change.csv", ["line 4"], id="delimiter-change-half-way"),
    pytest.param("bad_utf8.csv", ["line 3", "column category"], id="bad-utf8"),
    pytest.param("unclosed_quote.csv", ["line 3", "column category"], id="unclosed-quote"),
    pytest.param("duplicated_keys.csv", ["line 4", "order_id"], id="duplicated-key"),
    pytest.param("html_in_amount.csv", ["line 3", "order_amount"], id="html-in-amount"),
    pytest.param("empty.csv", ["empty"], id="empty-file"),
    pytest.param("header_only.csv", ["no data rows"], id="header-only"),
]


@pytest.mark.parametrize("name, words", FAILURES)
def test_fails_naming_line_and_column_and_changes_nothing(con, name, words):
    before = snapshot(con)
    with pytest.raises(data.DataError) as err:
        import_file(con, "orders", CORPUS / name)
    for word in words:
        assert word in str(err.value)
    assert snapshot(con) == before


def test_bad_timestamp_after_row_30000(con, tmp_path):
    path = tmp_path / "late_bad_timestamp.csv"
    lines = [HEADER] + [row(i) for i in range(10, 30_010)] + [row(99_999, placed="2025-13-45T09:00:00")]
    path.write_text("\n".join(lines) + "\n")
    before = snapshot(con)
    with pytest.raises(data.DataError) as err:
        import_file(con, "orders", path)
    assert "line 30002" in str(err.value) and "placed_at" in str(err.value)
    assert snapshot(con) == before


def test_huge_line(con, tmp_path):
    """A 5 MB cell: imported whole, or refused naming its line; never half-written."""
    path = tmp_path / "huge_line.csv"
    path.write_text("\n".join([HEADER, row(10), f"B11,2025-03-03T09:00:00+08:00,,,,1.00,USD,{'x' * 5_000_000},CN,placed",
                               row(12)]) + "\n")
    before = snapshot(con)
    try:
        result = import_file(con, "orders", path)
    except data.DataError as err:
        assert "line 3" in str(err)
        assert snapshot(con) == before
    else:
        assert result.inserted == 3
        assert len(con.cursor().execute("SELECT category FROM orders WHERE order_id = 'B11'").fetchall()[0][0]) == 5_000_000
