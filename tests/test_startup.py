"""ui.startup: the work serve.py does once when the server starts (imports, the store's calendar)
covers what the pages import, and leaves nothing undone that a first view would pay."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ui.startup import SCRIPTS, imported_modules

ROOT = Path(__file__).resolve().parents[1]

IMPORTS = {  # (script, a module it imports): top level, inside a function, a submodule named in a from-import
    "app.py imports ui.context": ("app.py", "ui.context"),
    "Weekly metrics imports pyarrow.compute": ("pages/weekly_metrics.py", "pyarrow.compute"),
    "What-if imports plotly.express in a function": ("pages/what_if.py", "plotly.express"),
    "Case lookup imports ui.display by name": ("pages/case_lookup.py", "ui.display"),
    "Policy imports holidays": ("pages/policy_page.py", "holidays"),
    "Data imports pyarrow.parquet": ("pages/data_page.py", "pyarrow.parquet"),
}


@pytest.mark.parametrize("script, module", IMPORTS.values(), ids=IMPORTS.keys())
def test_every_import_of_a_page_is_warmed(script, module):
    assert ROOT / script in SCRIPTS
    assert module in imported_modules([ROOT / script])
    assert module in imported_modules()


NOT_MODULES = {  # names a from-import brings that are not modules: left out
    "a class": "policy.Policy",
    "a function": "data.report.weekly_report",
    "a constant of a plain module": "ui.startup.SCRIPTS",
}


@pytest.mark.parametrize("name", NOT_MODULES.values(), ids=NOT_MODULES.keys())
def test_names_that_are_not_modules_are_left_out(tmp_path, name):
    module, _, attr = name.rpartition(".")
    script = tmp_path / "page.py"
    script.write_text(f"from {module} import {attr}\n")
    assert imported_modules([script]) == [module]


def test_warm_up_leaves_a_first_view_nothing_to_import():
    code = """
import json, sys
import streamlit.web.bootstrap
from streamlit.runtime.pages_manager import PagesManager
from ui.startup import imported_modules, warm_up
from policy import default_policy
from policy.calendar import _build_calendar
failed = warm_up()
print(json.dumps({"failed": failed, "missing": [m for m in imported_modules() if m not in sys.modules],
                  "legacy_pages": PagesManager.uses_pages_directory,
                  "calendars": _build_calendar.cache_info().currsize}))
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got == {"failed": [], "missing": [], "legacy_pages": False, "calendars": 1}


@pytest.fixture()
def default_db(sample_db, tmp_path, monkeypatch):
    """A copy of the sample as the default database ($RETURNS_DESK_DB)."""
    target = tmp_path / "default.duckdb"
    target.write_bytes(sample_db.read_bytes())
    monkeypatch.setenv("RETURNS_DESK_DB", str(target))
    return target


def test_warm_data_reads_the_default_database_through_the_pages_connection(default_db):
    import data
    from data.decisions import decisions, facts_ready
    from policy import load_policy
    from ui.context import connection_for
    from ui.startup import warm_data

    con = connection_for(str(default_db))
    decisions(con, load_policy())  # the facts stored, as a first page view leaves them
    assert facts_ready(con, load_policy())
    assert warm_data() == ["freshness", "weekly report", "breaches"]
    assert connection_for(str(data.default_path())) is con  # the pages' one connection, warm


def test_warm_data_decides_nothing(default_db):
    from data.decisions import facts_ready
    from policy import load_policy
    from ui.context import connection_for
    from ui.startup import warm_data

    con = connection_for(str(default_db))
    assert not facts_ready(con, load_policy())  # no stored facts: the page's progress bar decides them
    assert warm_data() == ["freshness"]
    assert not facts_ready(con, load_policy())


@pytest.mark.parametrize("content", [None, b"not a database at all\n" * 100], ids=["no-file", "not-duckdb"])
def test_warm_data_without_a_readable_database_reads_nothing_and_creates_nothing(tmp_path, monkeypatch, content):
    from ui.startup import warm_data

    target = tmp_path / "missing.duckdb"
    if content is not None:
        target.write_bytes(content)
    monkeypatch.setenv("RETURNS_DESK_DB", str(target))
    assert warm_data() == []
    assert (target.read_bytes() == content) if content is not None else not target.exists()
