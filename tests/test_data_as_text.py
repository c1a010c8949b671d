"""Data is shown as text, never markup (ui.display.md for markdown, chart_text for Plotly).

Streamlit's markdown (remark-gfm) links bare URLs and e-mail addresses with a find-and-replace
over the *parsed* text, after backslash escapes are resolved; the two patterns below are copied
from Streamlit's own bundle, and a test checks they are still there, so a Streamlit upgrade that
changes them fails here instead of silently linking data again. The browser test
(tests/browser/test_hostile_data.py) checks the real pages."""

from __future__ import annotations

import re
import string
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import streamlit

from ui.display import WORD_JOINER, case_urls, chart_frame, chart_text, md

# From streamlit/static/static/js/StreamlitMarkdown.*.js (mdast-util-gfm-autolink-literal).
BUNDLE_URL = r"/(https?:\/\/|www(?=\.))([-.\w]+)([^ \t\r\n]*)/gi"
BUNDLE_EMAIL = r"/(?<=^|\s|\p{P}|\p{S})([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)/gu"
AUTOLINK_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE | re.ASCII)
AUTOLINK_EMAIL = re.compile(r"(?:^|(?<=[\s!-/:-@\[-`{-~]))([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)", re.ASCII)

PAYLOADS = [
    pytest.param("**B** ![p](http://127.0.0.1:8999/beacon.png)", id="markdown-image"),
    pytest.param("[Claim](javascript:alert(1))", id="javascript-link"),
    pytest.param("<img src=x onerror=alert(1)>", id="img-onerror"),
    pytest.param("<script>window.pwned=1</script>", id="script"),
    pytest.param('<a href="http://evil.example">Claim your refund here</a>', id="html-anchor"),
    pytest.param("see http://evil.example/x now", id="bare-http"),
    pytest.param("HTTPS://EVIL.EXAMPLE", id="bare-https-upper"),
    pytest.param("visit www.evil.example", id="bare-www"),
    pytest.param("http://www.evil.example", id="http-www"),
    pytest.param("mail ana@evil.example", id="email"),
    pytest.param("<http://evil.example>", id="angle-autolink"),
    pytest.param(":red[x] :material/home: $x^2$ `c` ~~s~~", id="streamlit-directives"),
    pytest.param("line one\n# heading\n> quote", id="block-markdown"),
]


def _parsed(markdown: str) -> str:
    """The text remark sees after resolving backslash escapes."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def test_the_autolink_patterns_are_still_streamlits():
    bundle = "".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in (Path(streamlit.__file__).parent / "static").rglob("StreamlitMarkdown*.js"))
    assert BUNDLE_URL in bundle and BUNDLE_EMAIL in bundle


@pytest.mark.parametrize("text", PAYLOADS)
def test_md_leaves_no_markup_and_no_autolink(text):
    shown = md(text)
    assert "\n" not in shown
    assert all(f"\\{ch}" in shown for ch in set(text) & set(string.punctuation))  # every mark escaped
    assert not re.search(r"[!-/:-@\[-`{-~]", re.sub(r"\\.", "", shown))              # none left bare
    plain = _parsed(shown)
    assert not AUTOLINK_URL.search(plain) and not AUTOLINK_EMAIL.search(plain)
    assert plain.replace(WORD_JOINER, "") == " ".join(text.split())                 # reads as typed


@pytest.mark.parametrize("text, linked", [
    pytest.param("http://evil.example", True, id="url"),
    pytest.param("www.evil.example", True, id="www"),
    pytest.param("a@evil.example", True, id="email"),
    pytest.param("RC0001234 · order SO00052300", False, id="ordinary-id"),
])
def test_the_check_itself_finds_links(text, linked):
    plain = _parsed(" ".join(text.split()).replace("\\", ""))
    assert bool(AUTOLINK_URL.search(plain) or AUTOLINK_EMAIL.search(plain)) is linked


def test_md_keeps_ordinary_text_unchanged():
    assert md("RC0001234") == "RC0001234"
    assert WORD_JOINER not in md("Wed 2025-02-05 23:59 · swww.x · 12.50 USD")


@pytest.mark.parametrize("text, shown", [
    pytest.param('<a href="http://evil.example">Claim</a>', '&lt;a href="http://evil.example"&gt;Claim&lt;/a&gt;',
                 id="anchor"),
    pytest.param("<b>x</b><br>y", "&lt;b&gt;x&lt;/b&gt;&lt;br&gt;y", id="tags"),
    pytest.param("&lt;b&gt; AT&T", "&amp;lt;b&amp;gt; AT&amp;T", id="entities-stay-literal"),
    pytest.param("toys", "toys", id="plain"),
])
def test_chart_text_escapes_plotly_html(text, shown):
    assert chart_text(text) == shown


def test_chart_frame_escapes_only_the_named_columns():
    frame = pd.DataFrame({"category": ["<b>x</b>", None], "note": ["<b>", "y"], "n": [1, 2]})
    out = chart_frame(frame, "category")
    assert out["category"].iloc[0] == "&lt;b&gt;x&lt;/b&gt;" and pd.isna(out["category"].iloc[1])
    assert list(out["note"]) == ["<b>", "y"] and frame["category"].iloc[0] == "<b>x</b>"


@pytest.mark.parametrize("case_id, url", [
    pytest.param("RC0001234", "case_lookup?case=RC0001234", id="ordinary"),
    pytest.param("A&case=B", "case_lookup?case=A%26case%3DB", id="ampersand"),
    pytest.param("x#y %41", "case_lookup?case=x%23y%20%2541", id="hash-space-percent"),
    pytest.param("javascript:alert(1)", "case_lookup?case=javascript%3Aalert%281%29", id="javascript"),
])
def test_case_urls_encode_the_id(case_id, url):
    (shown,) = case_urls(pd.Series([case_id]))
    assert shown == url
    assert parse_qs(urlparse(shown).query)["case"] == [case_id]


MARKDOWN_TABLES = {  # (cells of a one-row table, what the row must read) : every cell is text
    "a pipe stays in its cell": ("a|b", r"a\|b"),
    "emphasis is not applied": ("**B**", r"\*\*B\*\*"),
    "a link is not made": ("[x](javascript:alert(1))", r"\[x\]\(javascript\:alert\(1\)\)"),
    "a newline does not end the row": ("one\ntwo", "one two"),
}


@pytest.mark.parametrize("cell, shown", MARKDOWN_TABLES.values(), ids=MARKDOWN_TABLES.keys())
def test_a_markdown_table_cell_is_text(cell, shown):
    from ui.display import markdown_table

    table = markdown_table(pd.DataFrame({"Agent": [cell], "Items": ["1,234"]}), right=("Items",))
    head, rule, row = table.split("\n")
    assert head == "| Agent | Items |" and rule == "| --- | ---: |"
    assert row == f"| {shown} | 1\\,234 |"  # md escapes every punctuation mark; it reads "1,234"


def test_markdown_columns_are_kept_as_written_and_an_empty_frame_is_a_header():
    from ui.display import markdown_table

    table = markdown_table(pd.DataFrame({"Stage": ["P1"], "Attainment": [":red[80.0%]"]}), markdown=("Attainment",))
    assert table.split("\n")[-1] == "| P1 | :red[80.0%] |"
    assert markdown_table(pd.DataFrame({"A": []})).split("\n") == ["| A |", "| --- |"]
