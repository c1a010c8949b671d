"""Shared helpers for the AppTest suites (tests/test_app_*.py). Import, don't copy:

    from tests.app_support import APP, app_test, build_sample_db, patch_pages_dir_quirk

- ``build_sample_db(path)``: a DuckDB file made from the built-in sample (what a new user sees).
- ``patch_pages_dir_quirk(monkeypatch)``: AppTest builds a fresh ``PagesManager`` for every run
  and, because a ``pages/`` folder sits beside app.py, switches on the legacy "pages directory"
  mode; from the second run on it then executes the page file alone, without app.py (no sidebar,
  no navigation). The real server does not do this (``st.navigation`` clears the flag for the
  process). The patch keeps the flag off, so every AppTest run goes through app.py as a browser
  session does.
- ``app_test()``: ``AppTest.from_file(app.py, default_timeout=90)``.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def build_sample_db(path: Path) -> Path:
    import data

    data.connect(path, quiet=True).close()
    return path


def patch_pages_dir_quirk(monkeypatch) -> None:
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def app_test(timeout: float = 90) -> AppTest:
    return AppTest.from_file(APP, default_timeout=timeout)


def metric(app: AppTest, label: str):
    """The metric tile labelled ``label``."""
    return next(m for m in app.metric if m.label == label)


def capture_downloads(monkeypatch) -> dict[str, bytes]:
    """Capture what download buttons would serve: {file name: bytes}."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def load(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            seen[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load)
    return seen


def use_app_env(db: Path, tmp_path: Path, monkeypatch) -> Path:
    """Point the app at ``db``, with saved policy files in a temp folder (returned)."""
    import ui.context

    patch_pages_dir_quirk(monkeypatch)
    monkeypatch.setenv("RETURNS_DESK_DB", str(db))
    monkeypatch.setattr(ui.context, "POLICIES_DIR", tmp_path / "policies")
    return tmp_path / "policies"


def open_page(page: str, db: Path, tmp_path: Path, monkeypatch):
    """An AppTest of the whole app on ``db`` (saved policies in a temp folder), switched to
    ``page`` and run once without an exception."""
    use_app_env(db, tmp_path, monkeypatch)
    app = app_test().run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    return app
