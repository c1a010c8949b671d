"""data.export: formula-safe CSV (cells starting with = + - @ made text)."""

import csv
import io

import pandas as pd
import pytest

from data.export import safe_cell, safe_frame, to_safe_csv


def _rows(payload: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))


@pytest.mark.parametrize("value", ["=1+1", "+33 6 12", "-2+3", "@SUM(A1:A9)", "\t=cmd", "\r=x",
                                   '=HYPERLINK("http://evil","click")'])
def test_formula_starts_are_prefixed(value):
    assert safe_cell(value) == "'" + value
    rows = _rows(to_safe_csv(pd.DataFrame({"note": [value]})))
    assert rows[1] == ["'" + value]


@pytest.mark.parametrize("value", ["ok", "a=b", "", " =x", "'already", "C000123"])
def test_ordinary_text_unchanged(value):
    assert safe_cell(value) == value
    assert safe_frame(pd.DataFrame({"t": [value]}))["t"].iloc[0] == value


def test_numbers_dates_and_missing_stay_as_they_are():
    frame = pd.DataFrame({
        "refund": [-12.5, 3.0],
        "count": [-1, 2],
        "flag": [True, False],
        "at": pd.to_datetime(["2025-01-01T10:00:00+08:00", None], utc=True),
        "text": ["=1", None],
    })
    rows = _rows(to_safe_csv(frame))
    assert rows[0] == ["refund", "count", "flag", "at", "text"]
    assert rows[1][:3] == ["-12.5", "-1", "True"]
    assert rows[1][4] == "'=1"
    assert rows[2][4] == ""  # missing stays empty, not "'nan"


def test_categorical_and_string_dtypes():
    frame = pd.DataFrame({"cat": pd.Categorical(["+x", "y"]), "s": pd.Series(["@a", "b"], dtype="string")})
    out = safe_frame(frame)
    assert list(out["cat"]) == ["'+x", "y"]
    assert list(out["s"]) == ["'@a", "b"]
    assert list(frame["cat"]) == ["+x", "y"]  # the input is not modified


def test_column_names_are_safe_too():
    rows = _rows(to_safe_csv(pd.DataFrame({"=evil": [1]})))
    assert rows[0] == ["'=evil"]


def test_bom_and_unicode():
    payload = to_safe_csv(pd.DataFrame({"agent": ["李伟"]}))
    assert payload.startswith(b"\xef\xbb\xbf")
    assert _rows(payload)[1] == ["李伟"]


def test_empty_frame():
    assert _rows(to_safe_csv(pd.DataFrame({"a": pd.Series([], dtype="string")}))) == [["a"]]
