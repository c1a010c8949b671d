"""Maps saved by name (data.saved_maps): what is saved reads back as the same map, also after the
database is reopened; a bad map or name is refused and nothing is stored."""

from __future__ import annotations

import tomllib

import pytest

import data
from data import DataError
from data.mapping import parse_map, read_map_text
from data.saved_maps import delete_map, map_to_toml, save_map, saved_maps

OLIST = {"columns": {"order_id": "order_id", "placed_at": "order_purchase_timestamp", "order_amount": "payment_value"},
         "timestamps": {"format": "%m/%d/%Y %H:%M", "timezone": "America/Sao_Paulo"},
         "numbers": {"decimal": ","}, "defaults": {"currency": "BRL"}}


@pytest.fixture()
def con(tmp_path):
    return data.connect(tmp_path / "maps.duckdb", quiet=True, create_sample=False)


@pytest.mark.parametrize("column", ["payment value", 'say "hi"', "back\\slash", "preço €", "tab\there", "=1+1"],
                         ids=["space", "quotes", "backslash", "non_ascii", "tab", "formula_text"])
def test_toml_text_round_trips_odd_column_names(column):
    spec = {"columns": {"order_id": column}, "rows": {"several_per_key": True}}
    assert tomllib.loads(map_to_toml(spec)) == spec


def test_saved_map_reads_back_after_reopening(con, tmp_path):
    name = save_map(con, "orders", "  Olist   monthly ", OLIST)
    assert name == "Olist monthly"
    con.close()
    again = data.connect(tmp_path / "maps.duckdb", quiet=True, create_sample=False)
    stored = saved_maps(again, "orders")
    assert list(stored) == ["Olist monthly"]
    cmap = parse_map(read_map_text(stored[name], "orders", name), "orders")
    assert (cmap.ts_format, cmap.timezone, cmap.decimal, dict(cmap.defaults), cmap.title) == (
        "%m/%d/%Y %H:%M", "America/Sao_Paulo", ",", {"currency": "BRL"}, "Olist monthly")
    assert dict(cmap.columns) == OLIST["columns"]


def test_same_name_replaces_and_tables_are_apart(con):
    save_map(con, "orders", "monthly", OLIST)
    save_map(con, "orders", "monthly", {**OLIST, "defaults": {"currency": "EUR"}})
    save_map(con, "cases", "monthly", {"columns": {"case_id": "ticket"}})
    assert list(saved_maps(con, "orders")) == ["monthly"]
    assert 'currency = "EUR"' in saved_maps(con, "orders")["monthly"]
    assert "ticket" in saved_maps(con, "cases")["monthly"]


@pytest.mark.parametrize("name, spec, words", [
    ("", OLIST, "give the map a name"),
    ("x" * 81, OLIST, "at most 80 characters"),
    ("bad zone", {**OLIST, "timestamps": {"timezone": "Mars/Olympus"}}, "not a known time zone"),
    ("bad column", {"columns": {"nope": "x"}}, "not a column of orders"),
    ("bad decimal", {**OLIST, "numbers": {"decimal": ";"}}, "numbers.decimal"),
], ids=["empty_name", "long_name", "unknown_zone", "unknown_column", "odd_decimal"])
def test_bad_map_or_name_is_refused_and_nothing_stored(con, name, spec, words):
    with pytest.raises(DataError, match=words):
        save_map(con, "orders", name, spec)
    assert saved_maps(con, "orders") == {}


@pytest.mark.parametrize("text, words", [
    (b"[columns\n", "not valid TOML"),
    (b"\xff\xfe[columns]", "not UTF-8"),
    (b'[columns]\nnope = "x"\n', "not a column of orders"),
    (b'[about]\ntable = "cases"\n', "for cases, not orders"),
], ids=["broken_toml", "not_utf8", "unknown_column", "other_table"])
def test_uploaded_map_text_is_checked(text, words):
    with pytest.raises(DataError, match=words):
        read_map_text(text, "orders", "upload.map.toml")


def test_uploaded_map_with_bom_reads():
    assert read_map_text('\ufeff[defaults]\ncurrency = "BRL"\n'.encode(), "orders", "x") == {"defaults": {"currency": "BRL"}}


def test_a_deleted_map_is_gone_for_its_table_only(con):
    save_map(con, "orders", "monthly", OLIST)
    save_map(con, "orders", "weekly", OLIST)
    save_map(con, "cases", "monthly", {"columns": {"case_id": "ticket"}})
    delete_map(con, "orders", "monthly")
    assert list(saved_maps(con, "orders")) == ["weekly"] and list(saved_maps(con, "cases")) == ["monthly"]
    with pytest.raises(DataError, match="no map named 'monthly' is saved for orders"):
        delete_map(con, "orders", "monthly")
    assert list(saved_maps(con, "orders")) == ["weekly"]
