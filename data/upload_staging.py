"""Where an uploaded export waits while the Data page works on it.

Streamlit hands the page the upload's bytes on every rerun, but the column preview and the
importer read a file. Each browser session gets one folder under one root per server; staging
a file replaces whatever that session staged before, and folders untouched for longer than
``MAX_AGE`` are removed whenever anything is staged, so a tab closed mid-import does not leave
a store's customer export on disk for good (Streamlit has no hook for a session's end).
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

MAX_AGE = 6 * 3600  # seconds: longer than anyone keeps a mapping screen open
ROOT_PREFIX = "returns-desk-uploads-"
SUFFIXES = (".csv", ".parquet")


def safe_name(name: str) -> str:
    """The uploaded file's own name reduced to a harmless file name (no folders, no dots in
    front, at most 80 characters), so an upload named ``../../x`` stays in its folder."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "upload"
    return base[:80]


class UploadShelf:
    """Per-session folders under ``root`` (created on first use)."""

    def __init__(self, root: Path | None = None, max_age: float = MAX_AGE) -> None:
        self.root = root or Path(tempfile.mkdtemp(prefix=ROOT_PREFIX))
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_age = max_age

    def remove(self) -> None:
        """Remove the root and everything staged (the server is stopping)."""
        shutil.rmtree(self.root, ignore_errors=True)

    def _folder(self, session: str) -> Path:
        return self.root / re.sub(r"[^A-Za-z0-9_-]+", "_", session)[:64]

    def stage(self, session: str, name: str, content: bytes) -> Path:
        """Write ``content`` as ``session``'s one staged file, named after ``name`` (a name that
        is neither .csv nor .parquet is staged as .csv: the CSV reader then says what is wrong)."""
        self.sweep()
        folder = self._folder(session)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        path = folder / safe_name(name)
        if path.suffix.lower() not in SUFFIXES:
            path = path.with_suffix(".csv")
        path.write_bytes(content)
        return path

    def discard(self, session: str) -> None:
        """Remove ``session``'s staged file (the user cleared the uploader)."""
        shutil.rmtree(self._folder(session), ignore_errors=True)

    def sweep(self, now: float | None = None) -> list[Path]:
        """Remove session folders untouched for longer than ``max_age``; returns them."""
        now = time.time() if now is None else now
        gone = []
        if not self.root.is_dir():  # a temp cleaner took it: stage() makes it again
            return gone
        for folder in self.root.iterdir():
            try:
                if now - folder.stat().st_mtime > self.max_age:
                    shutil.rmtree(folder, ignore_errors=True)
                    gone.append(folder)
            except OSError:  # removed by another session's sweep meanwhile
                continue
        return gone

    def staged(self) -> list[Path]:
        """Every staged file (for tests and the admin's curiosity)."""
        return sorted(p for p in self.root.glob("*/*") if p.is_file())
