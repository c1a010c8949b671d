"""Saved policy versions with an audit trail (who, when, each changed key's old and new value).

Versions are never overwritten: saving appends version N+1 and one row per changed key. A
save names the version its author started from; when someone else saved in between, the save
is refused with ``StaleVersion`` and nothing is written, so the author can look at the newer
version and save again — nobody's change is lost silently.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from policy import Policy, changed_keys, default_policy, parse_policy

from . import sql


class StaleVersion(Exception):
    """The version a save was based on is no longer the newest."""

    def __init__(self, based_on: int, latest: int) -> None:
        super().__init__(
            f"Version {latest} was saved after the version {based_on} you started from. "
            f"Nothing was saved: review version {latest}, then apply your changes to it and save again.")
        self.based_on = based_on
        self.latest = latest


@dataclass(frozen=True)
class SavedVersion:
    version: int
    changes: list[tuple[str, object, object]]


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.cursor().execute(sql.load("policy_versions_schema"))


def latest_version(con: duckdb.DuckDBPyConnection) -> int:
    ensure_tables(con)
    return int(con.cursor().execute(sql.load("policy_versions_latest")).fetchall()[0][0])


def load_version(con: duckdb.DuckDBPyConnection, version: int) -> Policy:
    """The policy of a saved version; version 0 is the shipped default."""
    if version == 0:
        return default_policy()
    ensure_tables(con)
    rows = con.cursor().execute(sql.load("policy_versions_get"), {"version": version}).fetchall()
    if not rows:
        raise KeyError(f"no policy version {version}")
    return parse_policy(rows[0][0])


def save_version(con: duckdb.DuckDBPyConnection, policy: Policy, *, based_on: int, saved_by: str,
                 note: str = "", now: dt.datetime | None = None) -> SavedVersion:
    """Append ``policy`` as a new version; raises ``StaleVersion`` if ``based_on`` is not the
    newest version. The check and the write happen in one transaction."""
    ensure_tables(con)
    cur = con.cursor()
    cur.begin()
    try:
        latest = int(cur.execute(sql.load("policy_versions_latest")).fetchall()[0][0])
        if latest != based_on:
            raise StaleVersion(based_on, latest)
        base = load_version(cur, based_on)
        changes = changed_keys(base, policy)
        version = latest + 1
        cur.execute(sql.load("policy_versions_insert"), {
            "version": version, "based_on": based_on, "name": policy.name,
            "effective_from": policy.effective_from, "saved_by": saved_by,
            "saved_at": now or dt.datetime.now(dt.UTC), "note": note,
            "policy_toml": policy.to_toml(),
        })
        for key, old, new in changes:
            cur.execute(sql.load("policy_changes_insert"), {
                "version": version, "key": key, "old_value": _json(old), "new_value": _json(new)})
        cur.commit()
    except duckdb.TransactionException:
        cur.rollback()
        # Another session committed first: report it as the stale save it is.
        raise StaleVersion(based_on, latest_version(con)) from None
    except BaseException:
        cur.rollback()
        raise
    return SavedVersion(version, changes)


def list_versions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    ensure_tables(con)
    return con.cursor().execute(sql.load("policy_versions_list")).df()


def version_changes(con: duckdb.DuckDBPyConnection, version: int) -> pd.DataFrame:
    """Each key the version changed, with its old and new value (as JSON text)."""
    ensure_tables(con)
    return con.cursor().execute(sql.load("policy_changes_of"), {"version": version}).df()


def _json(value: object) -> str:
    return json.dumps(value, default=str, ensure_ascii=False)
