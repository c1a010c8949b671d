"""One odd entry in the saved-policies folder (var/policies, RETURNS_DESK_POLICIES) takes no page
down: it is skipped, the sidebar counts it and the Policy page lists it with its reason. A policy
file loaded any other way gives a PolicyError for the same entries, never a traceback. The browser
test (tests/browser/test_hostile_data.py) holds the real server to it."""

from __future__ import annotations

import os

import pytest

from policy import PolicyError, load_policy, parse_policy
from tests.app_support import app_test, use_app_env

DEEP_ARRAY = "name = " + "[" * 100_000 + "]" * 100_000 + "\n"
DEEP_TABLE = "name = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n"


def make_odd_folder(folder) -> dict[str, str]:
    """Fill ``folder`` with one good policy file and one of each odd entry; returns
    ``{entry name: words its reason must contain}``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.toml").write_text('name = "Good file"\n[returns]\nwindow_days = 40\n')
    (folder / ".#winter.toml").symlink_to(folder / "winter-gone.toml")   # an editor's lock file
    (folder / "x.toml").mkdir()
    (folder / "deep-array.toml").write_text(DEEP_ARRAY)
    (folder / "deep-table.toml").write_text(DEEP_TABLE)
    (folder / "latin1.toml").write_bytes(b'name = "caf\xe9"\n')
    (folder / "loop.toml").symlink_to(folder / "loop.toml")              # unreadable, also for root
    os.mkfifo(folder / "pipe.toml")                                      # reading it would block
    (folder / "bad-value.toml").write_text("[returns]\nwindow_days = -1\n")
    return {".#winter.toml": "broken link", "x.toml": "a folder", "deep-array.toml": "nested too deeply",
            "deep-table.toml": "nested too deeply", "latin1.toml": "not UTF-8",
            "loop.toml": "cannot be read", "pipe.toml": "not a regular file", "bad-value.toml": "window_days"}


@pytest.mark.parametrize("make, words", [
    pytest.param(lambda p: p.mkdir(), "a folder", id="a-folder"),
    pytest.param(lambda p: p.symlink_to(p.parent / "gone.toml"), "not found", id="dangling-symlink"),
    pytest.param(lambda p: p.symlink_to(p), "cannot be read", id="symlink-loop"),
    pytest.param(lambda p: p.write_bytes(b'name = "\xff"\n'), "not UTF-8", id="not-utf8"),
    pytest.param(lambda p: p.write_text(DEEP_ARRAY), "nested too deeply", id="array-100000-deep"),
    pytest.param(lambda p: p.write_text(DEEP_TABLE), "nested too deeply", id="inline-table-5000-deep"),
])
def test_load_policy_gives_a_policy_error(tmp_path, make, words):
    path = tmp_path / "odd.toml"
    make(path)
    with pytest.raises(PolicyError, match=words):
        load_policy(path)


@pytest.mark.parametrize("text", [DEEP_ARRAY, DEEP_TABLE, "[returns]\nwindow_days = " + "[" * 50_000 + "]" * 50_000],
                         ids=["array", "inline-table", "array-under-a-known-key"])
def test_parse_policy_refuses_deep_nesting(text):
    with pytest.raises(PolicyError, match="nested too deeply"):
        parse_policy(text)


PAGES = ["pages/weekly_metrics.py", "pages/case_lookup.py", "pages/what_if.py", "pages/policy_page.py",
         "pages/data_page.py"]


@pytest.fixture()
def odd_env(sample_db, tmp_path, monkeypatch):
    folder = use_app_env(sample_db, tmp_path, monkeypatch)
    return make_odd_folder(folder)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.split("/")[-1].removesuffix(".py"))
def test_every_page_renders_beside_odd_policy_files(odd_env, page):
    at = app_test().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    offered = at.sidebar.selectbox(key="ui_policy_version").options
    assert any("good.toml" in o for o in offered) and len(offered) == 2, offered
    assert any(f"{len(odd_env)} saved policy file(s) could not be read" in c.value for c in at.sidebar.caption)


def test_the_policy_page_lists_each_odd_entry_with_its_reason(odd_env):
    at = app_test().run()
    at.switch_page("pages/policy_page.py").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if list(d.value.columns) == ["file", "why"])
    reasons = dict(zip(table["file"], table["why"]))
    assert set(reasons) == set(odd_env)
    for name, words in odd_env.items():
        assert words in reasons[name], (name, reasons[name])
