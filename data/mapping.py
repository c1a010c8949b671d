"""Column maps: which file column feeds which canonical column, and how timestamps are written.

Real exports never look like our tables (Olist-style names, ``10/2/2017 10:56`` in the store's
local zone, extra columns); a small TOML map (data-contract.md, "Import") bridges the gap, and
``suggest_mapping`` proposes one so the Data page can pre-fill it.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .columns import table_columns
from .db import DataError

# Names real exports use for our columns (normalised: lower case, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "order_id": ("orderid", "ordernumber", "orderno", "order"),
    "placed_at": ("orderpurchasetimestamp", "purchasedat", "createdat", "orderdate", "orderedat", "placed"),
    "shipped_at": ("orderdeliveredcarrierdate", "shippeddate", "shipdate", "dispatchedat"),
    "delivered_at": ("orderdeliveredcustomerdate", "deliverydate", "delivereddate", "receivedat"),
    "promised_delivery_at": ("orderestimateddeliverydate", "estimateddelivery", "promiseddelivery", "eta"),
    "order_amount": ("amount", "total", "ordertotal", "price", "paymentvalue", "value", "grandtotal"),
    "currency": ("currencycode", "cur"),
    "category": ("productcategoryname", "productcategory", "categoryname"),
    "country": ("customercountry", "shippingcountry", "destinationcountry", "customerstate"),
    "status": ("orderstatus", "state"),
    "case_id": ("ticketid", "caseid", "ticket", "rmaid", "rma", "requestid"),
    "request": ("requesttype", "type", "casetype"),
    "reason": ("returnreason", "reasoncode"),
    "requested_at": ("createdat", "created", "createddate", "openedat", "opened", "requestdate", "ticketcreated"),
    "replied_at": ("firstresponseat", "firstreplyat", "answeredat"),
    "refunded_at": ("refunddate", "refundedon"),
    "closed_at": ("resolvedat", "closedon"),
    "agent": ("assignee", "owner", "handledby"),
}


SECTIONS = ("about", "columns", "timestamps", "numbers", "rows", "status", "minutes_after_request", "defaults")
READY_MAPS_DIR = Path(__file__).resolve().parent / "maps"


@dataclass(frozen=True)
class ColumnMap:
    """canonical column -> file column, plus how to read timestamps and constant defaults."""

    columns: Mapping[str, str] = field(default_factory=dict)
    ts_format: str | None = None  # strftime format; None: ISO 8601
    timezone: str | None = None  # zone of naive timestamps; None: the policy's zone
    defaults: Mapping[str, str] = field(default_factory=dict)
    decimal: str = "."  # the amounts' decimal mark: "." (1,234.56) or "," (1.234,56, 1 234,56, 1'234,56)
    several_per_key: bool = False  # rows sharing a key are one record (Shopify: one row per line item)
    cancelled_when: str | None = None  # file column whose non-blank cell makes an order's status 'cancelled'
    title: str = ""  # a ready-made map's name, as the Data page offers it
    replied_minutes: str | None = None  # cases: file column giving replied_at as minutes after requested_at


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def parse_map(data: Mapping, table: str, source: str = "map") -> ColumnMap:
    """Validate a map (parsed TOML) against the table's columns; errors name the key."""
    known = table_columns(table)
    unknown_sections = set(data) - set(SECTIONS)
    if unknown_sections:
        raise DataError(f"{source}: unknown section(s) {sorted(unknown_sections)}; "
                        f"use {', '.join(f'[{name}]' for name in SECTIONS)}")
    for section in SECTIONS:
        if not isinstance(data.get(section, {}), Mapping):
            raise DataError(f"{source}: [{section}] must be a table of keys")
    about = dict(data.get("about", {}))
    if set(about) - {"title", "table", "note"}:
        raise DataError(f"{source}: unknown key(s) about.{', about.'.join(sorted(set(about) - {'title', 'table', 'note'}))}")
    if about.get("table", table) != table:
        raise DataError(f"{source}: this map is for {about['table']}, not {table}")
    rows = dict(data.get("rows", {}))
    if set(rows) - {"several_per_key"} or not isinstance(rows.get("several_per_key", False), bool):
        raise DataError(f"{source}: [rows] takes one key, several_per_key = true or false")
    status = dict(data.get("status", {}))
    cancelled_when = status.get("cancelled_when")
    if set(status) - {"cancelled_when"} or (cancelled_when is not None and (not isinstance(cancelled_when, str)
                                                                           or not cancelled_when)):
        raise DataError(f"{source}: [status] takes one key, cancelled_when = \"a column of the file\"")
    if cancelled_when and table != "orders":
        raise DataError(f"{source}: status.cancelled_when is for orders")
    after = dict(data.get("minutes_after_request", {}))
    if table != "cases" and after:
        raise DataError(f"{source}: [minutes_after_request] is for cases")
    if set(after) - {"replied_at"} or not all(isinstance(v, str) and v for v in after.values()):
        raise DataError(f"{source}: [minutes_after_request] takes one key, replied_at = \"a column of minutes\"")
    if "replied_at" in after and "replied_at" in data.get("columns", {}):
        raise DataError(f"{source}: replied_at is both a column and minutes after the request; keep one")
    cols = dict(data.get("columns", {}))
    for key, val in cols.items():
        if key not in known:
            raise DataError(f"{source}: columns.{key} is not a column of {table} (known: {', '.join(known)})")
        if not isinstance(val, str) or not val:
            raise DataError(f"{source}: columns.{key} must name a column of the file")
    ts = dict(data.get("timestamps", {}))
    extra = set(ts) - {"format", "timezone"}
    if extra:
        raise DataError(f"{source}: unknown key(s) timestamps.{', timestamps.'.join(sorted(extra))}")
    zone = ts.get("timezone")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise DataError(f"{source}: timestamps.timezone {zone!r} is not a known time zone") from None
    fmt = ts.get("format")
    if fmt is not None and (not isinstance(fmt, str) or "%" not in fmt):
        raise DataError(f"{source}: timestamps.format {fmt!r} is not a strftime format such as '%m/%d/%Y %H:%M'")
    numbers = dict(data.get("numbers", {}))
    if set(numbers) - {"decimal"}:
        raise DataError(f"{source}: unknown key(s) numbers.{', numbers.'.join(sorted(set(numbers) - {'decimal'}))}")
    decimal = numbers.get("decimal", ".")
    if decimal not in (".", ","):
        raise DataError(f"{source}: numbers.decimal must be \".\" (1,234.56) or \",\" (1.234,56), not {decimal!r}")
    defaults = {}
    for key, val in dict(data.get("defaults", {})).items():
        if key not in known:
            raise DataError(f"{source}: defaults.{key} is not a column of {table}")
        defaults[key] = str(val).lower() if isinstance(val, bool) else str(val)
    return ColumnMap(columns=cols, ts_format=fmt, timezone=zone, defaults=defaults, decimal=decimal,
                     several_per_key=rows.get("several_per_key", False), cancelled_when=cancelled_when,
                     title=str(about.get("title", "")), replied_minutes=after.get("replied_at"))


def load_map(path: str | Path, table: str) -> ColumnMap:
    """Read a map TOML file (data-contract.md, "Import")."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"map file {p} not found")
    return parse_map(read_map_text(p.read_bytes(), table, str(p)), table, source=str(p))


def read_map_text(text: bytes | str, table: str, source: str) -> dict:
    """A map file's content (as uploaded on the Data page or read by --map) as its TOML table,
    checked by ``parse_map``; every way it can be unreadable is one sentence naming ``source``."""
    try:
        data = tomllib.loads(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"map file {source} is not valid TOML: {exc}") from None
    except RecursionError:
        raise DataError(f"map file {source} is not a map: its values are nested too deeply") from None
    except UnicodeDecodeError:
        raise DataError(f"map file {source} is not UTF-8 text") from None
    parse_map(data, table, source=source)
    return data


def ready_maps(table: str) -> dict[str, Path]:
    """The maps shipped in ``data/maps/`` for ``table``, ``{title: path}`` (Shopify, Zendesk, the
    Brazilian marketplace); the Data page offers them by name and ``--map`` takes their paths."""
    out = {}
    for path in sorted(READY_MAPS_DIR.glob("*.map.toml")):
        about = tomllib.loads(path.read_text(encoding="utf-8")).get("about", {})
        if about.get("table") == table:
            out[about.get("title") or path.stem] = path
    return out


def suggest_mapping(columns: Iterable[str], table: str) -> dict[str, str]:
    """Propose canonical column -> file column for the columns of an uploaded file.

    Exact names first, then known synonyms from real exports, then close spellings; each file
    column is used at most once. The Data page shows this for the user to confirm.
    """
    cols = list(columns)
    by_norm = {}
    for c in cols:
        by_norm.setdefault(_norm(c), c)
    out: dict[str, str] = {}
    used: set[str] = set()
    canon = list(table_columns(table))
    for stage in ("exact", "synonym", "close"):
        for name in canon:
            if name in out:
                continue
            hit = None
            if stage == "exact":
                hit = by_norm.get(_norm(name))
            elif stage == "synonym":
                hit = next((by_norm[s] for s in SYNONYMS.get(name, ()) if s in by_norm), None)
            else:
                close = difflib.get_close_matches(_norm(name), list(by_norm), n=1, cutoff=0.85)
                hit = by_norm[close[0]] if close else None
            if hit is not None and hit not in used:
                out[name] = hit
                used.add(hit)
    return out


def suggest_decimal(cells: Iterable[object]) -> str:
    """The decimal mark a file's amount cells suggest: "," when some cells read only as
    decimal-comma amounts (``12,50``, ``1.234,56``) and at least as many cells read that way as
    with a decimal point; else ".". The same SQL macros as the import decide (import_macros.sql).
    """
    import duckdb

    from . import sql

    values = [str(c) for c in cells if c is not None and str(c).strip() and str(c) != "nan"]
    if not values:
        return "."
    con = duckdb.connect()
    try:
        con.execute(sql.load("import_macros"))
        q = sql.load("amount_conventions")
        point, comma, comma_only = con.execute(q, sql.params_for(q, {"cells": values})).fetchall()[0]
    finally:
        con.close()
    return "," if comma_only and comma >= point else "."

