"""Data (admin): import orders or cases from a CSV/Parquet export, a data dictionary of the
tables, and the data-quality findings.

Layout only: the mapping suggestion, the import (all-or-nothing, the command line's rules) and the
findings come from ``data.mapping``, ``data.importer`` and ``data.quality``.
"""

from __future__ import annotations

import atexit
import tomllib
import uuid
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import streamlit as st

from data import DataError
from data.columns import KEYS, REASONS, REQUESTS, REQUIRED, TABLES
from data.csv_diagnose import first_problem
from data.csv_layout import sniff
from data.db import table_counts
from data.export import to_safe_csv
from data.importer import ImportFailed, import_file
from data.mapping import parse_map, read_map_text, ready_maps, suggest_decimal, suggest_mapping
from data.quality import data_quality_findings
from data.saved_maps import delete_map, map_to_toml, save_map, saved_maps
from data.timestamp_formats import FormatGuess, detect_format
from data.upload_staging import UploadShelf, safe_name
from ui import context as ctx
from ui import display as ui

NOT_IN_FILE = "— not in the file —"
NO_READY_MAP = "— none: suggest from the column names —"
SAVED = "saved: "  # a saved map's label in the Map box: "saved: Olist monthly"
PREVIEW_ROWS = 20
SAMPLE_ROWS = 500  # rows read to suggest settings such as the decimal mark
DECIMALS = {".": "point: 1,234.56", ",": "comma: 1.234,56 · 1 234,56 · 1'234,56"}
RESULT = "dp_result"
SKIP_BAD_LABEL = "Import the good rows and reject the bad ones"

DESCRIPTIONS = {
    "orders": {
        "order_id": "The order's id (key: a second import of the same id updates the row).",
        "placed_at": "When the order was placed; starts the 48-hour processing clock (P1) and the 24-hour free cancellation (C1).",
        "shipped_at": "Handed to the carrier; empty = not shipped yet.",
        "delivered_at": "Received by the customer; starts the return window (RE1) and the warranty (A1).",
        "promised_delivery_at": "Latest delivery promised at checkout (for 'delayed shipping').",
        "order_amount": "Goods value paid; refunds are computed from it.",
        "currency": "ISO 4217 code, e.g. USD.",
        "category": "Product category; the warranty categories (e.g. electronics) get A1's 3-month rule.",
        "country": "Destination country.",
        "status": "'cancelled' orders are left out of the processing SLA.",
    },
    "cases": {
        "case_id": "The after-sales request's id (key).",
        "order_id": "The order it is about; must exist in orders.",
        "request": ", ".join(REQUESTS[:-1]) + f" or {REQUESTS[-1]}.",
        "reason": "Why: " + ", ".join(REASONS) + ".",
        "requested_at": "When the customer asked; starts the reply clock (RP1).",
        "prior_contact": "False: the item was sent back with no request first (N1).",
        "has_order_number": "The customer gave the order number (RE3).",
        "has_shipping_address": "The customer gave the shipping address (RE3).",
        "has_media": "The customer sent pictures/videos (RE3, RF1).",
        "correct_use": "Used correctly (A1's electronics rule).",
        "replied_at": "The store answered (RP1 done; starts RP2).",
        "media_received_at": "Pictures/videos arrived (starts RF1).",
        "customer_shipped_at": "The customer shipped the return (RP2 done).",
        "return_received_at": "The return arrived (starts RF2 / RP3).",
        "replacement_shipped_at": "The replacement shipped (RP3 done).",
        "refunded_at": "The refund was paid (RF1 / RF2 / R0 done).",
        "freight_claimed_at": "The customer claimed prepaid freight (starts F2).",
        "freight_reimbursed_at": "The freight was reimbursed (F2 done).",
        "status_updated_at": "The customer got a refund status update (RF3 done).",
        "closed_at": "The case was closed.",
        "refund_amount": "What was actually refunded.",
        "freight_amount": "Return freight the store actually paid.",
        "agent": "Who handled it.",
    },
}
TYPE_WORDS = {"text": "text", "timestamp": "timestamp (ISO 8601 with offset, or the map's format)",
              "money": "amount (2 decimals)", "bool": "true / false"}


@st.cache_resource(show_spinner=False)
def _upload_shelf() -> UploadShelf:
    """One staging root per server process, removed when it stops."""
    shelf = UploadShelf()
    atexit.register(shelf.remove)
    return shelf


def _columns_and_preview(path: Path) -> tuple[list[str], pd.DataFrame, str]:
    """The file's columns, its first rows (as text for CSV) and a note on its layout."""
    if path.suffix.lower() == ".parquet":
        table = pq.ParquetFile(path)
        head = next(table.iter_batches(batch_size=SAMPLE_ROWS), None)
        frame = head.to_pandas() if head is not None else pd.DataFrame(columns=table.schema_arrow.names)
        return list(table.schema_arrow.names), frame, ""
    layout = sniff(path)
    try:
        frame = pd.read_csv(path, nrows=SAMPLE_ROWS, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                            sep=layout.delimiter, header=None, skiprows=1, names=range(len(layout.header)))
    except (UnicodeDecodeError, pd.errors.ParserError):
        raise DataError(f"{path.name} is not a readable CSV file: "
                        f"{first_problem(path, layout.delimiter) or 'its first rows cannot be read'}") from None
    frame.columns = list(layout.header)  # as written: pandas would rename a repeated name
    note = f"Columns separated by {layout.delimiter_name}s." if layout.delimiter != "," else ""
    return list(layout.header), frame, note


@st.cache_data(max_entries=8, show_spinner=False)
def _findings(_con, data_token: str) -> pd.DataFrame:
    return data_quality_findings(_con)


@st.cache_data(max_entries=32, show_spinner=False)
def _detect(cells: tuple[str, ...]) -> FormatGuess:
    return detect_format(cells)


@st.cache_data(max_entries=8, show_spinner=False)
def _counts(_con, data_token: str) -> dict[str, int]:
    return table_counts(_con)


# --------------------------------------------------------------------------- page
st.title("Data")
con = ctx.connection_or_stop()
token = ctx.data_version()
counts = _counts(con, token)
st.caption(f"Database {ui.md(ctx.db_path())}: {counts['orders']:,} orders, {counts['cases']:,} cases.")

# --- data-quality findings (first: what a new user should see) --------------------------------
st.subheader("Data-quality findings")
findings = _findings(con, token)
found = findings[findings["count"] > 0]
if found.empty:
    st.success("No data-quality problem found.", icon=":material/check_circle:")
else:
    st.caption(f"{len(found)} check(s) find problems in {int(found['count'].sum()):,} row(s); "
               "decisions on these rows may be wrong until the source is fixed and re-imported.")
if not found.empty:
    cols = st.columns(4)
    for i, row in enumerate(found.itertuples()):
        cols[i % 4].metric(row.check.replace("_", " ").capitalize(), f"{int(row.count):,}", border=True,
                           help=f"{row.description} (check {row.check})")
clear = findings[findings["count"] == 0]
if not clear.empty:
    st.caption("Nothing found for: " + "; ".join(ui.md(d) for d in clear["description"]) + ".")
table = findings.assign(examples=findings["examples"].map(lambda ids: ", ".join(map(str, ids))))
st.dataframe(table, hide_index=True, key="dp_findings",
             column_config={"check": "check", "description": "what it finds",
                            "count": st.column_config.NumberColumn("rows", format="%d"),
                            "examples": "examples (up to five ids)"})

# --- import ---------------------------------------------------------------------------------
st.subheader("Import an export")
st.caption("CSV or Parquet. All or nothing, as on the command line (python -m data import): one bad row and "
           "nothing changes, and the error names the line, the column and the value. Rows are keyed by "
           "order_id / case_id: importing the same file twice changes nothing; a changed row is updated.")
left, right = st.columns([1, 3])
table_name = left.radio("Table", ["orders", "cases"], key="dp_table", horizontal=True)
uploaded = right.file_uploader("File", type=["csv", "parquet"], key="dp_file")
UPLOAD_SESSION = st.session_state.setdefault("dp_upload_session", uuid.uuid4().hex)

if uploaded is not None and st.session_state.get("dp_last_file") != uploaded.file_id:
    st.session_state["dp_last_file"] = uploaded.file_id
    st.session_state.pop(RESULT, None)  # a new file: the last import's report no longer applies

if uploaded is not None:
    path = _upload_shelf().stage(UPLOAD_SESSION, uploaded.name, uploaded.getvalue())
    try:
        file_columns, sample, layout_note = _columns_and_preview(path)
        sample = sample.loc[:, ~sample.columns.duplicated()]  # the import refuses a repeated name, naming both
    except DataError as exc:
        ui.show_error(exc, "Check that it is a CSV with a header line, or a Parquet file.")
        st.stop()
    except Exception as exc:  # noqa: BLE001 - any unreadable file becomes a sentence
        ui.show_error(f"{uploaded.name} cannot be read as a {path.suffix[1:]} file ({type(exc).__name__}).",
                      "Check that it is a CSV with a header line, or a Parquet file.")
        st.stop()

    ready = ready_maps(table_name)
    saved = saved_maps(con, table_name)
    pick, upload_box = st.columns([1, 1])
    ready_title = pick.selectbox("Map", [NO_READY_MAP, *ready, *(SAVED + name for name in saved)],
                                 key=f"dp_ready:{uploaded.file_id}:{table_name}",
                                 help="Maps shipped with the app for exports stores really have (data/maps/), and "
                                      "the maps saved on this page; each box below can still be changed.")
    map_file = upload_box.file_uploader("...or a map file (.map.toml)", type=["toml"], key=f"dp_map_file:{table_name}",
                                        help="The file python -m data import --map takes (data-contract.md, Import).")
    deleted = st.session_state.pop("dp_map_deleted", None)
    if deleted:
        pick.success(f"Map {ui.md(deleted)} deleted.", icon=":material/delete:")
    if map_file is None and ready_title.startswith(SAVED) and pick.button(
            "Delete this saved map", key="dp_delete_map", icon=":material/delete:",
            help="Removes it from the database for everyone; the ready-made maps stay."):
        try:
            delete_map(con, table_name, ready_title[len(SAVED):])
        except DataError as exc:
            ui.show_error(exc, "Choose another map.")
        else:
            st.session_state["dp_map_deleted"] = ready_title[len(SAVED):]
            st.rerun()
    ready_spec: dict = {}
    try:
        if map_file is not None:
            ready_title = f"file {map_file.name} ({map_file.file_id})"
            ready_spec = read_map_text(map_file.getvalue(), table_name, map_file.name)
            source_name = map_file.name
        elif ready_title.startswith(SAVED) and ready_title[len(SAVED):] in saved:
            source_name = ready_title[len(SAVED):]
            ready_spec = read_map_text(saved[source_name], table_name, source_name)
        elif ready_title in ready:
            ready_spec = tomllib.loads(ready[ready_title].read_text(encoding="utf-8"))
            source_name = ready[ready_title].name
    except DataError as exc:
        ui.show_error(exc, "Choose another map, or fix the map file and upload it again.")
        st.stop()
    if ready_spec:
        ready_map = parse_map(ready_spec, table_name, source=source_name)
        by_name = {c.strip().lower(): c for c in file_columns}
        suggested = {canon: by_name[src.strip().lower()] for canon, src in ready_map.columns.items()
                     if src.strip().lower() in by_name}
        absent = [src for src in ready_map.columns.values() if src.strip().lower() not in by_name]
        st.caption(ui.md(ready_spec.get("about", {}).get("note", "")))
        if absent:
            st.warning(f"This file lacks {len(absent)} column(s) of the {ui.md(ready_title)} layout: "
                       f"{ui.md(', '.join(absent))}.", icon=":material/warning:")
    else:
        suggested = suggest_mapping(file_columns, table_name)
    st.markdown(f"**Map the columns of {ui.md(uploaded.name)}** (suggested from the names; required columns "
                f"are marked \\*)")
    options = [NOT_IN_FILE, *file_columns]
    mapping: dict[str, str] = {}
    grid = st.columns(4)
    sig = f"{uploaded.file_id}:{table_name}:{ready_title}"
    for i, (column, kind) in enumerate(TABLES[table_name].items()):
        key = f"dp_map:{sig}:{column}"
        if key not in st.session_state:
            st.session_state[key] = suggested.get(column, NOT_IN_FILE)
        required = column in REQUIRED[table_name]
        choice = grid[i % 4].selectbox(column + (" *" if required else ""), options, key=key,
                                       help=DESCRIPTIONS[table_name].get(column, "") + f" Type: {TYPE_WORDS[kind]}.")
        if choice != NOT_IN_FILE:
            mapping[column] = choice
    t1, t2, t3, t4 = st.columns(4)
    ready_ts = ready_spec.get("timestamps", {})
    ts_format = t1.text_input("Timestamp format (empty: detect it)", key=f"dp_ts_format:{sig}",
                              value=ready_ts.get("format", ""), placeholder="empty: detected from the file",
                              help="A strftime format such as %d/%m/%Y %H:%M for times written without an offset; "
                                   "empty: the app tries ISO 8601 and the common layouts on the first rows.")
    zone = t2.text_input("Zone of timestamps without an offset", key=f"dp_zone:{sig}",
                         value=ready_ts.get("timezone", ctx.policy().calendar.timezone))
    amount_cells = [v for canon, src in mapping.items() if TABLES[table_name][canon] == "money"
                    and src in sample.columns for v in sample[src].astype(str).tolist()]
    suggested_decimal = suggest_decimal(amount_cells)
    decimal_key = f"dp_decimal:{sig}"
    if decimal_key not in st.session_state:
        st.session_state[decimal_key] = ready_spec.get("numbers", {}).get("decimal", suggested_decimal)
    decimal = t3.selectbox("Decimal mark of amounts", list(DECIMALS), key=decimal_key, format_func=DECIMALS.get,
                           help="Exports from many European spreadsheets write 1.234,56; a comma that is not a "
                                "thousands separator is refused unless this says comma.")
    defaults = {k: v for k, v in ready_spec.get("defaults", {}).items()}
    if table_name == "orders":
        currency = t4.text_input("Currency when no column gives it", key=f"dp_currency:{sig}",
                                 value=str(defaults.get("currency", "")), max_chars=3, placeholder="e.g. BRL",
                                 help="ISO 4217 code for every order when currency is not mapped to a column "
                                      "(a map's [defaults] currency).").strip().upper()
        defaults.pop("currency", None)
        if currency:
            defaults["currency"] = currency
    skip_bad = st.checkbox(SKIP_BAD_LABEL, key="dp_skip_bad")
    ts_cells = tuple(str(v) for canon, src in mapping.items() if TABLES[table_name][canon] == "timestamp"
                     and src in sample.columns for v in sample[src].tolist())
    guess = None if ts_format.strip() else _detect(ts_cells)
    if guess is not None and guess.fmt is not None:
        st.caption("Timestamp format: " + ui.md(guess.sentence))
    elif guess is not None:
        st.warning("Timestamp format: " + ui.md(guess.sentence), icon=":material/help:")
    effective_format = ts_format.strip() or (guess.to_use or "" if guess is not None else "")
    spec = {**ready_spec, "columns": mapping, "timestamps": {}, "numbers": {"decimal": decimal}, "defaults": defaults}
    if effective_format:
        spec["timestamps"]["format"] = effective_format
    if zone.strip():
        spec["timestamps"]["timezone"] = zone.strip()
    if suggested_decimal == ",":
        st.info("The amounts in this file look like decimal-comma numbers (such as 12,50): the decimal mark is "
                "set to comma.", icon=":material/info:")
    if layout_note:
        st.caption(layout_note)

    preview = sample.head(PREVIEW_ROWS)
    st.markdown("**Preview** (first rows, as mapped)")
    shown = preview[[c for c in mapping.values() if c in preview.columns]].copy()
    shown.columns = [canon for canon, src in mapping.items() if src in preview.columns]
    st.dataframe(shown, hide_index=True, key="dp_preview")
    unmapped = [c for c in file_columns if c not in mapping.values()]
    if unmapped:
        st.caption("Not imported (no column of ours): " + ", ".join(ui.md(c) for c in unmapped))
    missing = [c for c in REQUIRED[table_name] if c not in mapping]
    if missing:
        st.warning(f"Map the required column(s) {', '.join(missing)} before importing.")

    s1, s2, s3 = st.columns([2, 1, 1], vertical_alignment="bottom")
    save_name = s1.text_input("Save these settings as a map named", key=f"dp_save_name:{sig}",
                              value=ready_title[len(SAVED):] if ready_title.startswith(SAVED) else "",
                              placeholder="e.g. Olist monthly export",
                              help="Saved in the database: offered under Map next time, beside the ready-made maps. "
                                   "A map of the same name is replaced.")
    if s2.button("Save map", key="dp_save_map", icon=":material/save:"):
        try:
            stored = save_map(con, table_name, save_name, spec)
        except DataError as exc:
            ui.show_error(exc, "Nothing was saved.")
        else:
            st.success(f"Map {ui.md(stored)} saved: choose \u201c{ui.md(SAVED + stored)}\u201d under Map next time.",
                       icon=":material/check_circle:")
    s3.download_button("Download as .map.toml", map_to_toml(spec), key="dp_dl_map", mime="application/toml",
                       file_name=f"{safe_name(save_name or table_name)}.map.toml", icon=":material/download:")

    blocked = bool(missing) or (guess is not None and guess.ambiguous)
    if st.button(f"Import into {table_name}", type="primary", key="dp_import", disabled=blocked,
                 icon=":material/upload:"):
        status = st.status(f"Importing {ui.md(uploaded.name)} into {table_name}...", expanded=True)
        try:
            result = import_file(con, table_name, path, spec, skip_bad=skip_bad, progress=lambda text: status.text(text))
        except ImportFailed as exc:
            status.update(label="Nothing was imported", state="error")
            st.session_state[RESULT] = ("failed", uploaded.name, exc.total, exc.errors)
        except DataError as exc:
            status.update(label="Nothing was imported", state="error")
            st.session_state[RESULT] = ("error", uploaded.name, str(exc), None)
        else:
            status.update(label="Import finished", state="complete", expanded=False)
            rejects = result.rejects_path.read_bytes() if result.rejects_path and result.rejects_path.exists() else None
            st.session_state[RESULT] = ("ok", uploaded.name, result, rejects)
        st.rerun()  # from the top: the header's counts and the findings read the new data version

outcome = st.session_state.get(RESULT)
if outcome:
    kind, name, detail, extra = outcome
    if kind == "ok":
        r = detail
        st.success(f"{ui.md(name)}: {r.rows:,} row(s) read, {r.inserted:,} inserted, {r.updated:,} updated, "
                   f"{r.unchanged:,} unchanged, {r.rejected:,} rejected ({r.seconds:.1f} s).",
                   icon=":material/check_circle:")
        m = st.columns(4)
        for col, (label, value) in zip(m, (("Inserted", r.inserted), ("Updated", r.updated),
                                            ("Unchanged", r.unchanged), ("Rejected", r.rejected))):
            col.metric(label, f"{value:,}", border=True)
        if r.rejected:
            st.dataframe(r.errors, hide_index=True, key="dp_rejected")
            if extra:
                st.download_button("Download the rejected rows with their reasons (CSV)", extra,
                                   file_name=f"{safe_name(name)}.rejects.csv", mime="text/csv", key="dp_dl_rejects")
    elif kind == "failed":
        st.error(f"{ui.md(name)}: {detail:,} bad cell(s); nothing was imported. Fix the cells below in the file "
                 f"(or tick \u201c{SKIP_BAD_LABEL}\u201d) and import it again.", icon=":material/error:")
        st.dataframe(extra, hide_index=True, key="dp_errors",
                     column_config={"line": st.column_config.NumberColumn("line", format="%d",
                                                                          help="line of the file; the header is line 1"),
                                    "column": st.column_config.TextColumn("column", help="the app's column"),
                                    "file_column": st.column_config.TextColumn("file's column",
                                                                               help="the column's name in your file")})
        st.download_button("Download these errors (CSV)", to_safe_csv(extra), file_name=f"{safe_name(name)}.errors.csv",
                           mime="text/csv", key="dp_dl_errors")
    else:
        ui.show_error(detail, "Nothing was imported. Check the mapping and the file.")

# --- data dictionary ------------------------------------------------------------------------
st.subheader("Data dictionary")
# Only the open tab's table is drawn (a hidden table is still built by the browser).
dict_tabs = st.tabs(["orders", "cases"], key="dp_dict", on_change="rerun")
for tab, name in zip(dict_tabs, ("orders", "cases")):
    if not tab.open:
        continue
    rows = [{"column": col, "type": TYPE_WORDS[kind],
             "required": "yes" if col in REQUIRED[name] else "",
             "key": "yes" if col == KEYS[name] else "",
             "meaning": DESCRIPTIONS[name].get(col, "")} for col, kind in TABLES[name].items()]
    tab.dataframe(pd.DataFrame(rows), hide_index=True, key=f"dp_dict_{name}")

if uploaded is None:  # the user cleared the uploader: the staged copy goes too
    _upload_shelf().discard(UPLOAD_SESSION)
