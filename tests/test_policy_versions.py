"""Saved policy versions: append-only, with who/when/what changed, and stale saves refused."""

import datetime as dt

import duckdb
import pytest

from data.policy_versions import (
    StaleVersion,
    latest_version,
    list_versions,
    load_version,
    save_version,
    version_changes,
)
from policy import default_policy


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "v.duckdb"))
    yield connection
    connection.close()


def test_first_save_records_each_changed_key(con):
    scenario = default_policy().replace({"returns.window_days": 45, "name": "Longer window"})
    saved = save_version(con, scenario, based_on=0, saved_by="ana@store", note="test 45 days",
                         now=dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC))
    assert saved.version == 1
    assert saved.changes == [("name", "Store policy", "Longer window"), ("returns.window_days", 30, 45)]
    assert load_version(con, 1) == scenario
    changes = version_changes(con, 1)
    assert changes.to_dict("records") == [
        {"key": "name", "old_value": '"Store policy"', "new_value": '"Longer window"'},
        {"key": "returns.window_days", "old_value": "30", "new_value": "45"},
    ]
    listed = list_versions(con)
    assert listed[["version", "saved_by", "changed_keys"]].to_dict("records") == [
        {"version": 1, "saved_by": "ana@store", "changed_keys": 2}]


def test_versions_are_never_overwritten(con):
    one = default_policy().replace({"returns.window_days": 45})
    two = one.replace({"working_days.reply": 2})
    save_version(con, one, based_on=0, saved_by="a")
    save_version(con, two, based_on=1, saved_by="b")
    assert latest_version(con) == 2
    assert load_version(con, 1) == one and load_version(con, 2) == two
    assert version_changes(con, 2)["key"].tolist() == ["working_days.reply"]


def test_second_save_from_the_same_base_is_told_and_nothing_is_lost(con):
    save_version(con, default_policy().replace({"returns.window_days": 45}), based_on=0, saved_by="first")
    with pytest.raises(StaleVersion) as stale:
        save_version(con, default_policy().replace({"returns.window_days": 20}), based_on=0, saved_by="second")
    assert (stale.value.based_on, stale.value.latest) == (0, 1)
    assert "Nothing was saved" in str(stale.value)
    assert latest_version(con) == 1
    assert load_version(con, 1).returns.window_days == 45


def test_version_zero_is_the_default(con):
    assert load_version(con, 0) == default_policy()
    with pytest.raises(KeyError):
        load_version(con, 7)
