"""While another process (an import) holds the database, every page says the data is being
refreshed — no traceback — and works again once the lock is gone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.app_support import app_test, build_sample_db, patch_pages_dir_quirk

PAGES = ["pages/weekly_metrics.py", "pages/case_lookup.py", "pages/what_if.py", "pages/policy_page.py",
         "pages/data_page.py"]


@pytest.fixture()
def locked_db(tmp_path, monkeypatch):
    db = build_sample_db(tmp_path / "locked.duckdb")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(300)", str(db)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    patch_pages_dir_quirk(monkeypatch)
    monkeypatch.setenv("RETURNS_DESK_DB", str(db))
    yield holder
    holder.kill()
    holder.wait(timeout=10)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.split("/")[-1].removesuffix(".py"))
def test_pages_say_the_data_is_being_refreshed(locked_db, page):
    at = app_test().run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("being refreshed" in w.value for w in at.warning)


def test_the_app_recovers_when_the_import_ends(locked_db):
    at = app_test().run()
    assert any("being refreshed" in w.value for w in at.warning)
    locked_db.kill()
    locked_db.wait(timeout=10)
    at.switch_page("pages/case_lookup.py").run()
    assert not at.exception
    assert not any("being refreshed" in w.value for w in at.warning)
