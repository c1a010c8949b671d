"""Import maps saved by name in the database (table ``saved_maps``, data/sql/schema.sql), so the
Data page offers a map built or edited there next time, beside the ready-made ones in data/maps/.

A saved map is kept as the TOML text a ``.map.toml`` file holds (``map_to_toml``), so it can be
downloaded and used with ``python -m data import --map`` unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import duckdb

from . import sql
from .db import DataError
from .mapping import SECTIONS, parse_map, read_map_text

MAX_NAME = 80


def map_to_toml(spec: Mapping) -> str:
    """The map as TOML text: its sections in the documented order, string and true/false values
    (the only kinds a map holds; ``parse_map`` checks it first)."""
    out: list[str] = []
    for section in SECTIONS:
        table = spec.get(section) or {}
        if not table:
            continue
        out.append(f"[{section}]")
        for key, value in table.items():
            text = ("true" if value else "false") if isinstance(value, bool) else json.dumps(str(value), ensure_ascii=False)
            out.append(f"{json.dumps(key) if not key.replace('_', '').isalnum() else key} = {text}")
        out.append("")
    return "\n".join(out)


def _name(name: str) -> str:
    clean = " ".join(str(name).split())
    if not clean:
        raise DataError("give the map a name to save it under")
    if len(clean) > MAX_NAME:
        raise DataError(f"a map's name has at most {MAX_NAME} characters (this one has {len(clean)})")
    return clean


def save_map(con: duckdb.DuckDBPyConnection, table: str, name: str, spec: Mapping) -> str:
    """Check the map, then store it for ``table`` under ``name`` (a saved map of that name is
    replaced); return the name as stored (spaces collapsed)."""
    clean = _name(name)
    spec = {section: dict(values) for section, values in spec.items() if values}
    about = {**spec.get("about", {}), "title": clean, "table": table}
    spec = {**spec, "about": about}
    parse_map(spec, table, source=f"map {clean!r}")
    text = map_to_toml(spec)
    read_map_text(text, table, f"map {clean!r}")  # what is stored reads back as a map
    sql.rows(con, "saved_maps_save", table_name=table, name=clean, map_toml=text)
    return clean


def saved_maps(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """The maps saved for ``table``: ``{name: TOML text}``, by name."""
    return {row["name"]: row["map_toml"] for row in sql.rows(con, "saved_maps_list", table_name=table)}


def delete_map(con: duckdb.DuckDBPyConnection, table: str, name: str) -> None:
    """Forget the map saved for ``table`` under ``name`` (the ready-made maps in data/maps/ are
    files, not deleted here). A DataError when there is none, e.g. another session deleted it."""
    if not sql.rows(con, "saved_maps_delete", table_name=table, name=name):
        raise DataError(f"no map named {name!r} is saved for {table} (deleted already?)")
