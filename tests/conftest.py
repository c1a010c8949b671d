"""Fixtures shared by the test suites."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app_support import build_sample_db


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory, request) -> Path:
    """A database built from the built-in sample, one per test module (a module may write to
    it, e.g. save policy versions, without another module seeing that)."""
    name = request.module.__name__.rsplit(".", 1)[-1]
    return build_sample_db(tmp_path_factory.mktemp(f"{name}-db") / "sample.duckdb")
