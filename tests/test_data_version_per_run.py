"""ui.context.data_version (the cache key of every query): the full check of orders and cases
runs once per script run; a write during the run is still seen at once through the token every
write in data/ bumps, and a write that forgets the token is seen from the next run."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

# One run: versions read before and after each step, and how many full checks the run made.
SCRIPT = """
import streamlit as st

import data.db
from ui import context

full_check = data.db.data_version
checks = []
data.db.data_version = lambda con: checks.append(1) or full_check(con)
try:
    context.begin_run()
    seen = {"first": context.data_version(), "again": context.data_version()}
    step = st.session_state.get("step")
    if step == "bump":
        data.db.bump_data_version(context.connection())
    elif step == "silent":  # a writer that forgets the token
        context.connection().execute("DELETE FROM cases WHERE case_id = (SELECT min(case_id) FROM cases)")
    seen["after"] = context.data_version()
finally:
    data.db.data_version = full_check
st.session_state["seen"] = seen
st.session_state["checks"] = len(checks)
"""


@pytest.fixture()
def run(sample_db, tmp_path, monkeypatch):
    from tests.app_support import use_app_env

    use_app_env(sample_db, tmp_path, monkeypatch)
    at = AppTest.from_string(SCRIPT, default_timeout=60)

    def once(step: str | None = None) -> tuple[dict, int]:
        at.session_state["step"] = step
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at.session_state["seen"], at.session_state["checks"]

    return once


def test_the_tables_are_checked_once_per_run(run):
    seen, checks = run()
    assert seen["first"] == seen["again"] == seen["after"] and checks == 1
    assert run()[0]["first"] == seen["first"]  # the next run checks again and finds the same data


def test_a_write_during_the_run_is_seen_at_once(run):
    seen, checks = run("bump")
    assert seen["first"] == seen["again"] != seen["after"] and checks == 2


def test_a_write_without_the_token_is_seen_from_the_next_run(run):
    seen, _ = run("silent")
    assert seen["first"] == seen["after"]  # the token did not move: this run keeps its version
    assert run()[0]["first"] != seen["first"]  # the next run's full check counts the rows again
