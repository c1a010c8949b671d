"""Data page, issue 14 (AppTest): a map is uploaded, or chosen among the ready-made and the saved
ones; maps are saved by name and offered in the next session with their format, zone, decimal mark
and currency; an empty timestamp format is detected (an ambiguous one is asked for); errors name
the app's and the file's column in the page's own words; the header's counts follow an import."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import data
from data.saved_maps import saved_maps
from tests.app_support import open_page

PAGE = "pages/data_page.py"
OLIST_MAP = Path(__file__).resolve().parents[1] / "data" / "maps" / "olist_orders.map.toml"
# A month's export as a Brazilian spreadsheet saves it: semicolons, decimal commas, month/day/year.
EXPORT = ("order_id;order_purchase_timestamp;payment_value;order_status\n"
          "BR-1;10/2/2017 10:56;1.234,56;delivered\n"
          "BR-2;10/20/2017 14:05;38,71;delivered\n"
          "BR-3;11/13/2017 0:00;141,46;shipped\n")
COLUMNS = {"order_id *": "order_id", "placed_at *": "order_purchase_timestamp", "order_amount": "payment_value",
           "status": "order_status"}


@pytest.fixture()
def db(sample_db, tmp_path) -> Path:
    copy = tmp_path / "db.duckdb"
    shutil.copy(sample_db, copy)
    return copy


def _session(db: Path, tmp_path: Path, monkeypatch):
    """A new browser session (a reload): nothing carried over but the database."""
    return open_page(PAGE, db, tmp_path, monkeypatch)


def _upload(app, text: str = EXPORT, name: str = "orders_nov.csv"):
    app.file_uploader(key="dp_file").set_value((name, text.encode(), "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _box(app, prefix: str):
    return next(w for w in [*app.selectbox, *app.text_input] if w.key and w.key.startswith(prefix))


def _map_boxes(app, labels) -> None:
    for label, value in labels.items():
        next(b for b in app.selectbox if b.key and b.key.startswith("dp_map") and b.label == label).set_value(value)
    app.run()


def _rows(db: Path, text: str):
    return data.connect(db, quiet=True).cursor().execute(text).fetchall()


def _text(elements) -> list[str]:
    return [e.value.replace("\\", "") for e in elements]


def test_empty_format_is_detected_and_the_import_reads_it(db, tmp_path, monkeypatch):
    app = _upload(_session(db, tmp_path, monkeypatch))
    _map_boxes(app, COLUMNS)
    assert _box(app, "dp_ts_format").value == ""
    assert any("Detected %m/%d/%Y %H:%M" in c for c in _text(app.caption)), _text(app.caption)
    _box(app, "dp_currency").input("brl")
    _box(app, "dp_zone").input("America/Sao_Paulo")
    app.run()
    app.button(key="dp_import").click().run()
    assert not app.exception and not app.error, _text(app.error)
    got = _rows(db, "SELECT order_id, currency, order_amount, strftime(placed_at AT TIME ZONE 'America/Sao_Paulo', "
                    "'%Y-%m-%d %H:%M') FROM orders WHERE order_id LIKE 'BR-%' ORDER BY order_id")
    assert [(r[0], r[1], str(r[2]), r[3]) for r in got] == [
        ("BR-1", "BRL", "1234.56", "2017-10-02 10:56"), ("BR-2", "BRL", "38.71", "2017-10-20 14:05"),
        ("BR-3", "BRL", "141.46", "2017-11-13 00:00")]


@pytest.mark.parametrize("cells, typed, month", [
    (("3/4/2025 9:00", "5/6/2025 9:00"), "%d/%m/%Y %H:%M", "04"),
    (("3/4/2025 9:00", "5/6/2025 9:00"), "%m/%d/%Y %H:%M", "03"),
], ids=["day_first_typed", "month_first_typed"])
def test_ambiguous_format_is_asked_for_before_importing(db, tmp_path, monkeypatch, cells, typed, month):
    text = "order_id,placed_at\n" + "".join(f"AM-{i},{c}\n" for i, c in enumerate(cells))
    app = _upload(_session(db, tmp_path, monkeypatch), text)
    assert any("Several formats" in w and "%d/%m/%Y %H:%M" in w and "%m/%d/%Y %H:%M" in w for w in _text(app.warning))
    assert app.button(key="dp_import").disabled
    _box(app, "dp_ts_format").input(typed)
    app.run()
    assert not app.button(key="dp_import").disabled
    app.button(key="dp_import").click().run()
    assert not app.error, _text(app.error)
    got = _rows(db, "SELECT strftime(placed_at AT TIME ZONE 'Asia/Shanghai', '%m') FROM orders WHERE order_id = 'AM-0'")
    assert got == [(month,)]


def test_map_saved_by_name_is_offered_in_the_next_session(db, tmp_path, monkeypatch):
    app = _upload(_session(db, tmp_path, monkeypatch))
    _map_boxes(app, COLUMNS)
    _box(app, "dp_zone").input("America/Sao_Paulo")
    _box(app, "dp_currency").input("BRL")
    _box(app, "dp_save_name").input("Olist monthly")
    app.run()
    app.button(key="dp_save_map").click().run()
    assert any("Olist monthly" in s for s in _text(app.success)), _text(app.success)
    stored = saved_maps(data.connect(db, quiet=True), "orders")["Olist monthly"]
    assert all(part in stored for part in ('format = "%m/%d/%Y %H:%M"', 'timezone = "America/Sao_Paulo"',
                                           'decimal = ","', 'currency = "BRL"', 'order_amount = "payment_value"'))

    again = _upload(_session(db, tmp_path, monkeypatch))  # a reload: only the database remembers
    chooser = _box(again, "dp_ready")
    assert "saved: Olist monthly" in chooser.options and "Brazilian marketplace (Olist) orders" in chooser.options
    chooser.set_value("saved: Olist monthly").run()
    assert (_box(again, "dp_ts_format").value, _box(again, "dp_zone").value, _box(again, "dp_currency").value,
            _box(again, "dp_decimal").value, _box(again, "dp_save_name").value) == (
        "%m/%d/%Y %H:%M", "America/Sao_Paulo", "BRL", ",", "Olist monthly")
    boxes = {b.label: b.value for b in again.selectbox if b.key and b.key.startswith("dp_map")}
    assert {label: boxes[label] for label in COLUMNS} == COLUMNS
    again.button(key="dp_import").click().run()
    assert not again.error, _text(again.error)
    assert _rows(db, "SELECT count(*), min(currency) FROM orders WHERE order_id LIKE 'BR-%'") == [(3, "BRL")]


def test_uploaded_map_file_fills_the_boxes_and_keeps_its_currency(db, tmp_path, monkeypatch):
    app = _upload(_session(db, tmp_path, monkeypatch))
    app.file_uploader(key="dp_map_file:orders").set_value(
        ("olist.map.toml", OLIST_MAP.read_bytes(), "application/toml")).run()
    assert not app.exception and not app.error, _text(app.error)
    assert (_box(app, "dp_ts_format").value, _box(app, "dp_zone").value, _box(app, "dp_currency").value) == (
        "%m/%d/%Y %H:%M", "America/Sao_Paulo", "BRL")
    assert any("lacks" in w and "order_delivered_carrier_date" in w for w in _text(app.warning))  # not in this export
    boxes = {b.label: b.value for b in app.selectbox if b.key and b.key.startswith("dp_map")}
    assert boxes["order_amount"] == "payment_value" and boxes["placed_at *"] == "order_purchase_timestamp"


def test_broken_map_file_is_one_sentence(db, tmp_path, monkeypatch):
    app = _upload(_session(db, tmp_path, monkeypatch))
    app.file_uploader(key="dp_map_file:orders").set_value(("bad.map.toml", b"[columns\n", "application/toml")).run()
    assert not app.exception
    assert any("bad.map.toml is not valid TOML" in e for e in _text(app.error)), _text(app.error)


def test_errors_name_both_columns_in_the_pages_words(db, tmp_path, monkeypatch):
    app = _upload(_session(db, tmp_path, monkeypatch), EXPORT.replace("38,71", "ten"))
    _map_boxes(app, COLUMNS)
    app.button(key="dp_import").click().run()
    message = " ".join(_text(app.error))
    assert "nothing was imported" in message and "Import the good rows and reject the bad ones" in message
    assert "--skip-bad" not in message
    table = next(d.value for d in app.dataframe if "file_column" in d.value.columns)
    assert table[["line", "column", "file_column", "value"]].values.tolist() == [
        [3, "order_amount", "payment_value", "ten"]]
    label = next(c.label for c in app.checkbox if c.key == "dp_skip_bad")
    assert label == "Import the good rows and reject the bad ones"


def test_header_counts_follow_an_import(db, tmp_path, monkeypatch):
    app = _upload(_session(db, tmp_path, monkeypatch))
    before = _rows(db, "SELECT count(*) FROM orders")[0][0]
    assert any(f"{before:,} orders" in c for c in _text(app.caption))
    _map_boxes(app, COLUMNS)
    app.button(key="dp_import").click().run()
    assert not app.error, _text(app.error)
    assert any(f"{before + 3:,} orders" in c for c in _text(app.caption)), [c for c in _text(app.caption) if "orders" in c]


def test_a_saved_map_can_be_deleted_and_is_no_longer_offered(db, tmp_path, monkeypatch):
    app = _upload(_session(db, tmp_path, monkeypatch))
    _map_boxes(app, COLUMNS)
    _box(app, "dp_save_name").input("Old layout")
    app.run()
    app.button(key="dp_save_map").click().run()
    app.run()  # the map list is drawn before the button saves: the next run offers it
    assert not any(b.key == "dp_delete_map" for b in app.button)  # no saved map chosen: nothing to delete
    _box(app, "dp_ready").set_value("saved: Old layout").run()
    app.button(key="dp_delete_map").click().run()
    assert not app.error, _text(app.error)
    assert any("Old layout" in s and "deleted" in s for s in _text(app.success)), _text(app.success)
    assert "Old layout" not in saved_maps(data.connect(db, quiet=True), "orders")
    chooser = _box(app, "dp_ready")
    assert "saved: Old layout" not in chooser.options and not chooser.value.startswith("saved:")
    assert not any(b.key == "dp_delete_map" for b in app.button)
