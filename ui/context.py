"""What every page shares: one DuckDB connection per database file, the policy in force, the
as-of time, and the sidebar where a user chooses them. Pages call these; they never open
connections or read policy files themselves.

Stable names (other pages import them):

- ``sidebar(role)``        app.py draws the shared sidebar once per run, before the page.
- ``connection()``         the cached DuckDB connection for the chosen database file.
- ``connection_for(path)``  the same for a file named outright (start-up, which has no session).
- ``cursor()``             a fresh cursor on it (use one per query: an unread result blocks).
- ``db_path()``            the chosen database file, as a ``Path``.
- ``data_version()``       a token that changes when the data changes (cache key).
- ``policy()``             the chosen ``Policy`` (the shipped default, or a saved version).
- ``policy_key()``         a plain string identifying that policy (cache key).
- ``policy_versions()``    ``{label: None | version int | Path}`` the sidebar offers.
- ``policy_source()``      the chosen entry's source (None = shipped default).
- ``as_of()``              the as-of instant (aware, policy zone).
- ``POLICIES_DIR``         where saved policy TOML files live (``var/policies``).
- ``decide_with_progress(con, policy)`` before a page first reads a policy's facts: deciding
  and storing them (a policy version not stored yet) shows a progress bar.
- ``metrics_connection_or_stop()``, ``metrics_policy()``, ``metrics_version()``,
  ``metrics_note()``, ``metrics_freshness_sentence()``: what Weekly metrics reads: the
  database's facts, or under ``$RETURNS_DESK_FACTS`` a facts folder's (``facts_folder()``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import stat
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

import data
from policy import Policy, PolicyError, default_policy, load_policy
from policy.localtime import local_datetime

log = logging.getLogger("returns_desk.ui")

REPO_ROOT = Path(__file__).resolve().parent.parent
# Saved policy files; RETURNS_DESK_POLICIES points elsewhere (the browser tests use a temp folder).
POLICIES_DIR = Path(os.environ.get("RETURNS_DESK_POLICIES") or REPO_ROOT / "var" / "policies").expanduser()
DEFAULT_LABEL = "Store policy (shipped default)"

_DB_KEY = "ui_db_path"
_DB_ACTIVE = "ui_db_active"
_DB_ERROR = "ui_db_error"
_POLICY_KEY = "ui_policy_version"
_AS_OF_KEY = "ui_as_of_date"
_AS_OF_START = "ui_as_of_start"


# --- database -----------------------------------------------------------------------------

def db_path() -> Path:
    """The database file chosen in the sidebar; ``$RETURNS_DESK_DB`` or the default otherwise."""
    chosen = str(st.session_state.get(_DB_ACTIVE) or "").strip()
    return Path(chosen).expanduser() if chosen else data.default_path()


def _choose_db() -> None:
    """Sidebar callback: switch to an existing database file; anything else is refused with a
    sentence (the app never creates files at a path someone typed)."""
    typed = str(st.session_state.get(_DB_KEY) or "").strip()
    default = data.default_path()
    path = Path(typed).expanduser() if typed else default
    st.session_state.pop(_DB_ERROR, None)
    if path == default or path.is_file():
        st.session_state[_DB_ACTIVE] = str(path)
        st.session_state[_DB_KEY] = str(path)
    else:
        st.session_state[_DB_ERROR] = f"There is no database file at {typed}; still using {db_path()}."
        st.session_state[_DB_KEY] = str(db_path())


@st.cache_resource(show_spinner="Opening the case database...", max_entries=4)
def connection_for(path: str):
    """The process's one DuckDB connection to ``path`` (opened once, shared by every session)."""
    return data.connect(path, quiet=True, create=False)


def connection():
    """The process's DuckDB connection to ``db_path()``; queries take a fresh ``.cursor()``.

    Raises ``data.DataError`` (with a sentence fit to show) when the file cannot be opened.
    """
    return connection_for(str(db_path()))


def connection_or_stop():
    """``connection()`` for a page that needs the data: when the file cannot be opened, its
    error goes on screen with what to do, and the page stops there."""
    try:
        return connection()
    except data.DataError as exc:
        from ui.display import show_error

        show_error(exc, "Choose another database file in the sidebar.")
        st.stop()


def cursor():
    """A fresh cursor on the shared connection (one per query)."""
    return connection().cursor()


_VERSION_MEMO = "ui_data_version_memo"


def begin_run() -> None:
    """app.py, first thing in every run: ``data_version`` checks the tables again in this run."""
    st.session_state.pop(_VERSION_MEMO, None)


def data_version() -> str:
    """Changes whenever orders or cases are written: part of every cached query's key.

    The full check (data_version.sql: token, row counts, highest rowids) scans both tables, ~30 ms
    at 10M orders, and a page asks a dozen times per run: it runs once per run (``begin_run``);
    later calls read only the token, which every write in data/ bumps, so a write made during
    the run is still seen at once (a writer that forgets the token: from the next run)."""
    from data.db import data_version as _version
    from data.db import data_version_token

    path = str(db_path())
    try:
        memo = st.session_state.get(_VERSION_MEMO)
        token = data_version_token(connection()) if memo and memo[0] == path else None
        if memo and token == memo[1]:
            return memo[2]
        full = _version(connection())
        version = f"{path}#{full}"
        st.session_state[_VERSION_MEMO] = (path, full.split(":", 1)[0], version)
        return version
    except data.DataError:
        raise
    except Exception:  # an old file without the meta table: still usable, just not versioned
        log.info("data_version failed", exc_info=True)
        return f"{path}#?"


@st.cache_data(max_entries=8, show_spinner=False)
def _holds_sample(db: str, version: str) -> bool:
    from data.db import holds_sample

    return holds_sample(connection_for(db))


def sample_banner() -> None:
    """Above every page: say so when the database shown holds the built-in sample data."""
    try:
        sample = _holds_sample(str(db_path()), data_version())
    except Exception:  # noqa: BLE001 - an unopenable file is reported by the sidebar and the page
        return
    if sample:
        from ui.display import md

        st.info(f"Sample data: {md(db_path())} holds the built-in, generated sample (not a real store's orders). "
                "Import your exports on the Data page, or choose another database in the sidebar.",
                icon=":material/science:")


# --- a policy's facts -----------------------------------------------------------------------

def decide_with_progress(con, chosen: Policy) -> None:
    """Make sure ``chosen``'s facts are ready on ``con`` before the page reads them. A policy
    version whose facts are not stored yet (chosen for the first time, or the data changed
    under it) is decided and stored once, here, under a progress bar that says each step and
    ends on what was done; when they are ready nothing is drawn. A click meanwhile (Streamlit
    then stops the run at its next element) does not throw the deciding away: the facts are
    stored first, then the page reruns. A case or order that cannot be decided is said, and the
    page stops there."""
    from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException

    from data.decisions import decisions
    from ui.display import md, show_error

    bar = None
    interrupted: list[ScriptControlException] = []

    def show(fraction: float, text: str) -> None:
        nonlocal bar
        if interrupted:
            return
        try:
            if bar is None:
                bar = st.progress(0.0, text="Deciding every case under this policy version (once; stored for later)")
            bar.progress(min(max(fraction, 0.0), 1.0), text=md(text))  # names a policy: text, not Markdown
        except ScriptControlException as exc:  # a click meanwhile: finish the store first, then rerun
            interrupted.append(exc)

    try:
        decisions(con, chosen, progress=show)
    except data.DataError as exc:
        if bar is not None and not interrupted:
            bar.empty()
        show_error(exc, "Fix the data on the Data page, or choose another database in the sidebar.")
        st.stop()
    if interrupted:
        raise interrupted[0]


# --- facts folder (Weekly metrics under $RETURNS_DESK_FACTS) ---------------------------------
# The metrics read a facts folder's Parquet (python -m data facts --out DIR, either engine) in
# place of the database's facts; the pages that need the cases' own rows (Case lookup, What-if
# lab, Data) keep reading the database.
FACTS_ENV = "RETURNS_DESK_FACTS"


def facts_dir() -> Path | None:
    """``$RETURNS_DESK_FACTS`` as a path, or None when the metrics read the database."""
    text = os.environ.get(FACTS_ENV, "").strip()
    return Path(text).expanduser() if text else None


@st.cache_resource(show_spinner="Opening the facts folder...", max_entries=2)
def _facts_folder(path: str, manifest_state: tuple):
    from data.facts_files import open_folder

    return open_folder(path)


def facts_folder():
    """The checked facts folder of ``$RETURNS_DESK_FACTS`` (None when unset), opened again when
    its manifest changes (the folder was written anew). Raises ``data.DataError`` with a
    sentence fit to show when it cannot be read."""
    from data.facts_files import MANIFEST

    root = facts_dir()
    if root is None:
        return None
    try:
        info = (root / MANIFEST).stat()
        state = (info.st_mtime_ns, info.st_size, info.st_ino)
    except OSError:
        state = ()
    return _facts_folder(str(root), state)


@st.cache_resource(max_entries=4)
def _bound_cursor(db: str, folder_key: str, _folder):
    from data.facts_files import bind

    # A cursor of the database's connection: the facts come from the folder, a case's agent
    # (the breakdown by agent) from the database's cases.
    return bind(connection_for(db).cursor(), _folder)


def metrics_connection_or_stop():
    """``connection_or_stop()`` for Weekly metrics: under ``$RETURNS_DESK_FACTS`` a connection
    whose decisions are the facts folder's; an unreadable folder's error goes on screen."""
    con = connection_or_stop()
    try:
        folder = facts_folder()
    except data.DataError as exc:
        from ui.display import show_error

        show_error(exc, f"Write the facts again (python -m data facts ... --out DIR), or unset {FACTS_ENV}.")
        st.stop()
    if folder is None:
        return con
    return _bound_cursor(str(db_path()), f"{folder.root}#{folder.written_at}#{folder.fingerprint}", folder)


def metrics_policy() -> Policy:
    """The policy Weekly metrics reports under: the facts folder's when there is one (its facts
    were decided under no other), else the sidebar's."""
    folder = facts_folder()
    return folder.policy if folder is not None else policy()


def metrics_version() -> str:
    """The cache key of Weekly metrics' figures: the facts folder's identity, or the database's."""
    folder = facts_folder()
    if folder is None:
        return data_version()
    return f"facts:{folder.root}#{folder.written_at}#{folder.fingerprint}|{data_version()}"


def facts_sentence() -> str:
    """The sidebar's line about the facts folder ('' when there is none)."""
    try:
        folder = facts_folder()
    except data.DataError:
        return f"Weekly metrics: the facts folder {facts_dir()} cannot be read (the page says why)."
    if folder is None:
        return ""
    return (f"Weekly metrics come from the facts folder {folder.root} (written {folder.written_label} by the "
            f"{folder.engine} engine), decided under the policy {folder.policy.name!r}.")


def metrics_note() -> tuple[str, str] | None:
    """What Weekly metrics says above its figures when they come from a facts folder: ("info",
    text), or ("warning", text) when the sidebar's policy is not the folder's; None otherwise."""
    from data.decisions import fingerprint

    folder = facts_folder()
    if folder is None:
        return None
    source = (f"Figures from the facts folder {folder.root}, written {folder.written_label} by the {folder.engine} "
              f"engine under the policy {folder.policy.name!r}.")
    chosen = policy()
    if fingerprint(chosen) == folder.fingerprint:
        return "info", source
    return "warning", (f"{source} The sidebar's policy {chosen.name!r} is another one: these figures are the "
                       f"folder's policy's. Compare policies on the What-if lab, or write the facts again under "
                       f"{chosen.name!r}.")


def metrics_freshness_sentence() -> str:
    """``freshness_sentence()`` for the figures Weekly metrics shows: the facts folder's input
    when there is one."""
    from data.freshness import describe_age

    folder = facts_folder()
    if folder is None:
        return freshness_sentence()
    if folder.freshness.latest_event is None:
        return "The facts folder does not say how far its data reaches."
    now = pd.Timestamp(as_of())
    latest = folder.freshness.latest_event.tz_convert(now.tz)
    return f"Facts data up to {latest:%Y-%m-%d %H:%M} ({describe_age(folder.freshness.age(now))})."


# --- policy -------------------------------------------------------------------------------

def policy_versions() -> dict[str, Path | int | None]:
    """The versions the sidebar offers, ``{label: source}``: the shipped default (``None``),
    each version saved in the database's history (``int``, newest first), then each TOML file
    saved under ``var/policies/`` (``Path``). Files that do not load are left out
    (``policy_file_errors()`` lists them); a database that cannot be read offers no history."""
    versions: dict[str, Path | int | None] = {DEFAULT_LABEL: None}
    try:
        for version, name, saved in _history(str(db_path())):
            versions[f"v{version} · {name} (saved {saved})"] = version
    except Exception:  # noqa: BLE001 - no history is not an error for the sidebar
        log.info("no policy history", exc_info=True)
    for path, loaded in _saved_policies(_policies_dir_state()).items():
        if isinstance(loaded, Policy):
            versions[f"{loaded.name} ({Path(path).name})"] = Path(path)
    return versions


@st.cache_data(ttl=5, max_entries=8, show_spinner=False)
def _history(db: str) -> list[tuple[int, str, str]]:
    """(version, name, saved date and time on the store's clock) of the database's saved policy
    versions, newest first; read at most every few seconds (the sidebar asks on every run)."""
    from data.policy_versions import list_versions

    store_zone = default_policy().calendar.timezone  # the store's clock, as the Policy page shows it
    out = []
    for row in list_versions(connection_for(db)).itertuples():
        saved = ""
        if pd.notna(row.saved_at):
            moment = pd.Timestamp(row.saved_at)
            moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment  # stored in UTC
            saved = moment.tz_convert(store_zone).strftime("%Y-%m-%d %H:%M")
        out.append((int(row.version), str(row.name), saved))
    return out


def forget_policy_history() -> None:
    """After a save: the sidebar offers the new version on its next run."""
    _history.clear()


@st.cache_data(max_entries=32, show_spinner=False)
def _saved_version(db: str, version: int) -> Policy:
    """A saved version's policy; versions are append-only, so it never changes."""
    from data.policy_versions import load_version

    return load_version(connection_for(db), version)


def policy_file_errors() -> dict[str, str]:
    """``{file name: error}`` for saved policy files that cannot be used."""
    return {Path(p).name: v for p, v in _saved_policies(_policies_dir_state()).items() if isinstance(v, str)}


def _policies_dir_state() -> tuple[tuple[str, float | str], ...]:
    """``(path, mtime)`` of each ``*.toml`` entry of the folder (the cache key of
    ``_saved_policies``); an entry that cannot even be looked at (a dangling link such as an
    editor's ``.#name.toml`` lock) gets the reason instead of its mtime. Never raises: the sidebar
    runs this on every page."""
    try:
        if not POLICIES_DIR.is_dir():
            return ()
        entries = sorted(POLICIES_DIR.glob("*.toml"))
    except OSError as exc:
        log.warning("policy folder %s: %s", POLICIES_DIR, exc)
        return ()
    out: list[tuple[str, float | str]] = []
    for path in entries:
        try:
            info = path.stat()
            if stat.S_ISDIR(info.st_mode):
                out.append((str(path), "a folder, not a file"))
            elif not stat.S_ISREG(info.st_mode):  # a named pipe would block the sidebar's read for ever
                out.append((str(path), "not a regular file"))
            else:
                out.append((str(path), info.st_mtime))
        except FileNotFoundError:
            out.append((str(path), "a broken link (it points to a file that does not exist)"))
        except OSError as exc:
            out.append((str(path), f"cannot be read ({exc.strerror or type(exc).__name__})"))
    return tuple(out)


@st.cache_data(max_entries=8, show_spinner=False)
def _saved_policies(files: tuple[tuple[str, float | str], ...]) -> dict[str, Policy | str]:
    """Each saved file's policy, or why it cannot be used (never an exception)."""
    out: dict[str, Policy | str] = {}
    for path, state in files:
        if isinstance(state, str):
            out[path] = state
            continue
        try:
            out[path] = load_policy(path)
        except PolicyError as exc:
            out[path] = str(exc).replace(f": {path}", "")  # the file is named beside the reason
        except Exception as exc:  # noqa: BLE001 - one odd file must not take every page down
            log.exception("policy file %s", path)
            out[path] = f"cannot be used ({type(exc).__name__})"
    return out


def policy_source() -> Path | int | None:
    """Where the chosen policy comes from: ``None`` (default), a history version, or a file."""
    label = st.session_state.get(_POLICY_KEY)
    return policy_versions().get(label) if label else None


def policy() -> Policy:
    """The policy version chosen in the sidebar (the shipped default when none is chosen, or
    when the chosen one can no longer be read)."""
    source = policy_source()
    if source is None:
        return default_policy()
    if isinstance(source, int):
        try:
            return _saved_version(str(db_path()), source)
        except Exception:  # noqa: BLE001
            log.exception("policy version %s", source)
            return default_policy()
    loaded = _saved_policies(_policies_dir_state()).get(str(source))
    return loaded if isinstance(loaded, Policy) else default_policy()


def policy_key() -> str:
    """A plain string that identifies the chosen policy's content (for ``st.cache_data`` keys)."""
    return policy().to_toml()


def zone() -> ZoneInfo:
    return ZoneInfo(policy().calendar.timezone)


# --- as-of --------------------------------------------------------------------------------

def today() -> dt.date:
    return dt.datetime.now(zone()).date()


def as_of() -> dt.datetime:
    """The as-of instant, in the policy's zone: now when the sidebar's date is today (or unset),
    else the end (23:59:59) of the chosen date."""
    day = _chosen_day()
    if day is None:
        return dt.datetime.now(zone()).replace(microsecond=0)
    return local_datetime(dt.datetime.combine(day, dt.time(23, 59, 59)), zone())


def _as_of_from_url() -> dt.date | None:
    """``?as_of=YYYY-MM-DD`` of a shared link, read once when the session starts."""
    text = st.query_params.get("as_of")
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        st.toast("The link's as_of is not a date (YYYY-MM-DD); showing today.", icon=":material/link_off:")
        return None


def _chosen_day() -> dt.date | None:
    """The sidebar's as-of date when it is not 'today' (None when the as-of time is now). Today
    means now; so does the date the session started with (also after midnight)."""
    chosen = st.session_state.get(_AS_OF_KEY)
    if not isinstance(chosen, dt.date) or chosen == st.session_state.get(_AS_OF_START) or chosen == today():
        return None
    return chosen


def _as_of_to_url() -> None:
    """Keep the as-of date in the address bar, so the view can be shared or bookmarked."""
    day = _chosen_day()
    if day is None:
        st.query_params.pop("as_of", None)
    else:
        st.query_params["as_of"] = day.isoformat()


def link_params() -> dict[str, str]:
    """Query parameters every link to another page carries: the as-of date when it is not today."""
    day = _chosen_day()
    return {} if day is None else {"as_of": day.isoformat()}


# --- the sidebar --------------------------------------------------------------------------

def _md(value) -> str:
    from ui.display import md

    return md(value)


def sidebar(role=None) -> None:
    """Draw the shared sidebar: who is signed in, the database file, policy version and as-of
    time in force (one line each), and a "Settings" popover to change them (admins may switch
    to another existing database file). Called by app.py.

    The three controls sit in a popover because a browser builds a popover's content only when
    it is opened: drawn in the sidebar itself, a text box, a select box and a date picker cost
    every page's first view about 0.2 s of the browser's time (bench/bench_pages.py), for
    settings most visits never change. What is in force is always on screen."""
    from access import Permission
    from ui import access

    with st.sidebar:
        st.subheader("Returns Desk")
        if role is not None:
            st.caption(access.describe(role))
        if _DB_KEY not in st.session_state:
            st.session_state[_DB_KEY] = str(db_path())
        try:
            connection()
        except data.DataError as exc:
            from ui.display import show_error

            show_error(exc)
        if st.session_state.get(_DB_ERROR):
            st.error(_md(st.session_state[_DB_ERROR]), icon=":material/error:")
        versions = list(policy_versions())
        if st.session_state.get(_POLICY_KEY) not in versions:
            st.session_state[_POLICY_KEY] = versions[0]
        if _AS_OF_KEY not in st.session_state:
            st.session_state[_AS_OF_START] = today()
            st.session_state[_AS_OF_KEY] = _as_of_from_url() or today()
        bad = policy_file_errors()
        _settings_in_force(len(bad))
        with st.popover("Settings", icon=":material/tune:", width="stretch"):
            st.text_input(
                "Database file", key=_DB_KEY, on_change=_choose_db,
                disabled=role is not None and not role.can(Permission.IMPORT),
                help="The DuckDB file with orders and cases (set RETURNS_DESK_DB to change the default; the "
                     "default is created from the built-in sample data). Admins may switch to another existing file.",
            )
            st.selectbox(
                "Policy version", versions, key=_POLICY_KEY,
                help="The shipped policy, a version saved in the database's policy history, or a policy file "
                     f"saved under {_md(POLICIES_DIR)}.",
            )
            if bad:
                st.caption(f"{len(bad)} saved policy file(s) could not be read and are not offered: "
                           + _md(", ".join(sorted(bad))))
            st.date_input(
                "As of", key=_AS_OF_KEY, format="YYYY-MM-DD",
                help="Deadlines are met, breached or pending as of this date: today means now; "
                     "another date means the end of that day.",
            )
        _as_of_to_url()
        st.caption(freshness_sentence())
        if facts_dir() is not None:
            st.caption(_md(facts_sentence()))


def _settings_in_force(bad_policy_files: int) -> None:
    """The sidebar's summary of what every page works with: one line each."""
    day = _chosen_day()
    when = f"now, {as_of():%Y-%m-%d %H:%M}" if day is None else f"end of {day:%Y-%m-%d}"
    lines = [f"**Policy:** {_md(st.session_state[_POLICY_KEY])}",
             f"**As of:** {when} ({_md(policy().calendar.timezone)})",
             f"**Database:** {_md(db_path().name)}"]
    if bad_policy_files:
        lines.append(f"{bad_policy_files} saved policy file(s) could not be read: see Settings.")
    st.markdown("  \n".join(lines), help=f"Database file: {_md(db_path())}")


@st.cache_data(max_entries=8, show_spinner=False)
def _freshness(version: str):
    from data.freshness import data_freshness

    return data_freshness(connection())


def freshness_sentence() -> str:
    """'Data up to 2026-11-25 23:47 (4 days before the as-of time).' for the sidebar and pages."""
    from data.freshness import describe_age

    try:
        fresh = _freshness(data_version())
    except Exception:  # noqa: BLE001 - the sidebar must draw even when the data cannot be read
        log.info("freshness failed", exc_info=True)
        return "How fresh the data is could not be read."
    if fresh.latest_event is None:
        return "The database holds no orders or cases yet."
    now = pd.Timestamp(as_of())
    latest = fresh.latest_event.tz_convert(now.tz)
    return f"Data up to {latest:%Y-%m-%d %H:%M} ({describe_age(fresh.age(now))})."


def env_db_path() -> str:
    """``$RETURNS_DESK_DB`` as set for this process (for display)."""
    return os.environ.get("RETURNS_DESK_DB", "")
