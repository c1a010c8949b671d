"""Load the project's SQL from ``data/sql/<name>.sql``.

Every statement the project runs lives in a .sql file so it can be read, reviewed and run by
hand; Python only binds values (``$name`` parameters), never formats them into the text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def load(name: str) -> str:
    """Return the text of ``sql/<name>.sql``; a KeyError names the missing query."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no SQL query named {name!r} (looked for {path})")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    """All query names, for tests and for readers."""
    return sorted(p.stem for p in SQL_DIR.glob("*.sql"))


def params_for(query: str, values: dict) -> dict:
    """The subset of ``values`` a query names as ``$name`` (DuckDB rejects unused ones)."""
    code = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("--"))
    return {k: values[k] for k in set(re.findall(r"\$(\w+)", code))}
