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
