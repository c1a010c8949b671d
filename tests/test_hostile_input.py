"""Hostile input: names cannot escape their folder; search text is only ever text."""

import pytest

from access.paths import child_path, safe_filename, slug_filename
from data.lookup import case_lookup


@pytest.mark.parametrize("name, expected", [
    pytest.param("../../etc/passwd", "etc_passwd.toml", id="parent-traversal"),
    pytest.param("/etc/passwd", "etc_passwd.toml", id="absolute-path"),
    pytest.param("..\\..\\windows\\win.ini", "windows_win.ini.toml", id="backslashes"),
    pytest.param(".hidden", "hidden.toml", id="leading-dot"),
    pytest.param("Spring 45 days", "Spring 45 days.toml", id="plain-name-kept"),
    pytest.param("scenario.toml", "scenario.toml", id="suffix-not-doubled"),
    pytest.param("", "untitled.toml", id="empty"),
    pytest.param("a\x00b\nc", "a_b_c.toml", id="control-characters"),
    pytest.param("<script>x</script>", "script_x__script.toml", id="markup"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name, ".toml") == expected


@pytest.mark.parametrize("name, expected", [
    pytest.param("Store pays freight: changed mind!", "store-pays-freight-changed-mind.toml", id="words-and-marks"),
    pytest.param("../../etc/passwd", "etc-passwd.toml", id="parent-traversal"),
    pytest.param("Rückgabe 45 Tage", "ruckgabe-45-tage.toml", id="accents-dropped"),
    pytest.param("退货", "scenario.toml", id="nothing-ascii-left"),
    pytest.param("", "scenario.toml", id="empty"),
])
def test_slug_filename(name, expected):
    assert slug_filename(name, ".toml") == expected


def test_child_path_stays_inside(tmp_path):
    for name in ("../../x", "/abs/x", "..", "a/../../b"):
        assert child_path(tmp_path, name, ".toml").parent == tmp_path.resolve()


@pytest.mark.parametrize("text", [
    "' OR 1=1--", "'; DROP TABLE cases; --", "%", "_", "\\", "\" OR \"\"=\"", "<script>alert(1)</script>",
])
def test_search_text_is_plain_text(con, text):
    before = con.cursor().execute("SELECT count(*) FROM cases").fetchall()[0][0]
    assert len(case_lookup(con, text)) == 0
    assert con.cursor().execute("SELECT count(*) FROM cases").fetchall()[0][0] == before
