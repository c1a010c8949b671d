"""Fixtures shared by the test suites."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from data.sample import UNTIL_ENV
from tests.app_support import build_sample_db

# Every sample database the tests make (and every server they start, which inherits the
# environment) holds the same history, to the second: the tests' dates are written against it.
SAMPLE_UNTIL = "2026-11-26T00:00:00+08:00"
os.environ[UNTIL_ENV] = SAMPLE_UNTIL

# pytest-xdist (pyproject's addopts: two workers, --dist loadfile): each test module is one work
# unit, so its module-scoped fixtures (a sample database, the Spark session) are built once. The
# modules here run first, while no other browser or slow test runs: they measure the app under
# load, and another server, Chromium or Spark job would add load of their own; the other worker
# runs the quick in-process modules meanwhile (tests/solo_scheduling.py).
SOLO_MODULES = ("tests/browser/test_concurrent_sessions.py",)


def pytest_collection_modifyitems(config, items):
    """Solo modules first, then the slow ones (browser tests, ``slow`` marks), so that a long module
    does not start last and keep one worker busy alone at the end; otherwise collection order."""
    root = config.rootpath
    slow = {item.path for item in items if item.get_closest_marker("browser") or item.get_closest_marker("slow")}
    items.sort(key=lambda item: (item.path.relative_to(root).as_posix() not in SOLO_MODULES, item.path not in slow))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadfile":
        return None
    from tests.solo_scheduling import SoloFirstScheduling

    return SoloFirstScheduling(config, log, SOLO_MODULES)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory, request) -> Path:
    """A database built from the built-in sample, one per test module (a module may write to
    it, e.g. save policy versions, without another module seeing that)."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    return build_sample_db(tmp_path_factory.mktemp(f"{name}-db") / "sample.duckdb")


@pytest.fixture(scope="module")
def con(sample_db):
    """A connection to the module's sample database, configured as the app's (one DuckDB
    instance per file). Suites that need another database define their own ``con``."""
    import data

    connection = data.connect(sample_db, quiet=True)
    yield connection
    connection.close()


@pytest.fixture()
def downloads(monkeypatch) -> dict[str, bytes]:
    """What the page's download buttons would serve: {file name: bytes}."""
    from tests.app_support import capture_downloads

    return capture_downloads(monkeypatch)
