"""File names chosen by users (a scenario name, an uploaded file's name) never leave their folder."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str, suffix: str = "", default: str = "untitled") -> str:
    """A plain file name from any text: no folders, no leading dots, no control characters.

    '../../etc/passwd' -> 'etc_passwd'; 'Spring 45 days' + '.toml' -> 'Spring 45 days.toml'.
    """
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = text.replace("\\", "/").split("/")
    text = "_".join(part for part in text if part not in ("", ".", ".."))
    text = _UNSAFE.sub("_", text).strip(" ._-")[:100] or default
    if suffix and not text.lower().endswith(suffix.lower()):
        text += suffix
    return text


def slug_filename(name: str, suffix: str = "", default: str = "scenario") -> str:
    """A lower-case, hyphenated file name from any text (a scenario's name, for a download):
    'Store pays freight: changed mind!' + '.toml' -> 'store-pays-freight-changed-mind.toml'."""
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-") or default
    return text + suffix


def child_path(folder: Path, name: str, suffix: str = "") -> Path:
    """``folder / safe_filename(name)``, checked to lie inside ``folder``."""
    folder = folder.resolve()
    path = (folder / safe_filename(name, suffix)).resolve()
    if path.parent != folder:
        raise ValueError(f"{name!r} is not a plain file name")
    return path
