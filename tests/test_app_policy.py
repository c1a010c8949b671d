"""Policy page (AppTest): clause ids beside their sentences, active parameters, the calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from policy import Clause, calendar_for, default_policy
from policy.params import CalendarParams
from policy.policy_text_view import clause_passages
from tests.app_support import app_test, build_sample_db, patch_pages_dir_quirk, use_app_env
from ui.calendar_view import month_summary, year_table
from ui.parameter_table import parameter_table

PAGE = "pages/policy_page.py"


@pytest.fixture()
def policies_dir(sample_db, tmp_path, monkeypatch):
    return use_app_env(sample_db, tmp_path, monkeypatch)


def _page(query: dict | None = None, tab: str | None = None):
    at = app_test().run()
    at.switch_page(PAGE)
    if query:
        at.query_params.update(query)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if tab:  # only the open tab is drawn
        at.session_state["policy_tab"] = tab
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


CALENDAR, HISTORY = "Working-day calendar", "Policy history"


def _frames(at):
    return [df.value for df in at.dataframe]


def test_every_clause_id_sits_beside_its_passage(policies_dir):
    at = _page()
    assert not at.error
    badges = [m.value for m in at.markdown if "-badge[" in m.value and m.value.count("badge") == 1]
    assert badges == [f":blue-badge[{c.id}]" for c in Clause]
    texts = [t.value for t in at.text]
    passages = clause_passages()
    for clause in Clause:
        assert passages[clause] in texts, clause.id
    headings = " ".join(m.value for m in at.markdown)
    assert "Return & Exchange" in headings.replace("\\", "")


def test_active_parameters_match_the_policy(policies_dir):
    at = _page()
    shown = _frames(at)[0]
    expected = parameter_table(default_policy())
    assert list(shown["key"]) == list(expected["key"])
    assert list(shown["value"]) == list(expected["value"])
    assert list(shown.columns) == ["clause", "key", "label", "value"]  # nothing changed: no default column


def test_a_saved_policy_version_shows_its_changes(policies_dir):
    policies_dir.mkdir()
    (policies_dir / "long.toml").write_text('name = "Long window"\n[returns]\nwindow_days = 45\n')
    at = _page()
    at.sidebar.selectbox(key="ui_policy_version").set_value("Long window (long.toml)").run()
    assert not at.exception
    shown = _frames(at)[0].set_index("key")
    assert shown.loc["returns.window_days", "value"] == "45"
    assert sorted(shown.index[shown["changed"]]) == ["name", "returns.window_days"]
    assert any("2 differ from the shipped default" in c.value for c in at.caption)


def test_the_first_view_draws_the_text_and_parameters_only(policies_dir):
    at = _page()
    assert [t.label for t in at.tabs] == ["Text and parameters", CALENDAR, HISTORY]
    assert len(_frames(at)) == 1 and not at.get("vega_lite_chart")  # the calendar is built when opened
    with pytest.raises(KeyError):
        at.number_input(key="policy_cal_year")


def test_calendar_of_this_year_and_its_counts(policies_dir):
    at = _page(tab=CALENDAR)
    cal = calendar_for(default_policy().calendar)
    year = int(at.number_input(key="policy_cal_year").value)
    expected = month_summary(year_table(cal, year))
    summary = _frames(at)[0]
    assert list(summary["working days"]) == list(expected["working days"])
    assert len(at.get("vega_lite_chart")) == 1


def test_estimate_years_are_flagged(policies_dir):
    at = _page(tab=CALENDAR)
    cal = calendar_for(default_policy().calendar)
    at.number_input(key="policy_cal_year").set_value(2025).run()
    assert not at.warning
    later = cal.official_until + 1
    at.number_input(key="policy_cal_year").set_value(later).run()
    assert not at.exception
    assert any("estimate" in w.value for w in at.warning)


def test_another_country(policies_dir):
    at = _page(tab=CALENDAR)
    at.number_input(key="policy_cal_year").set_value(2025).run()
    at.selectbox(key="policy_cal_country").set_value("US").run()
    assert not at.exception
    us = calendar_for(CalendarParams(country="US", timezone="Asia/Shanghai"))
    expected = year_table(us, 2025)
    assert int(_frames(at)[0]["working days"].sum()) == int(expected["working"].sum())
    special = _frames(at)[1]
    assert "Independence Day" in " ".join(special["name"])


def test_a_link_opens_a_clause(policies_dir):
    at = _page({"clause": "RE1"})
    assert at.markdown[0].value.startswith(":orange-badge[RE1]")
    assert at.text[0].value == clause_passages()[Clause.RE1]
    at = _page({"clause": "<script>alert(1)</script>"})
    assert not at.markdown[0].value.startswith(":orange-badge")


def test_the_history_lists_versions_and_what_each_changed(tmp_path, monkeypatch):
    import data
    import ui.context
    from data.policy_versions import save_version

    db = build_sample_db(tmp_path / "history.duckdb")
    con = data.connect(db, quiet=True)
    first = default_policy().replace({"returns.window_days": 45, "name": "Longer window"})
    save_version(con, first, based_on=0, saved_by="ana@store", note="Q4 test",
                 now=dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC))
    save_version(con, first.replace({"working_days.reply": 2}), based_on=1, saved_by="bo@store")
    con.close()
    patch_pages_dir_quirk(monkeypatch)
    monkeypatch.setenv("RETURNS_DESK_DB", str(db))
    monkeypatch.setattr(ui.context, "POLICIES_DIR", tmp_path / "policies")
    at = _page(tab=HISTORY)
    versions = next(f for f in _frames(at) if "saved_by" in f.columns)
    assert versions[["version", "saved_by", "changed_keys"]].to_dict("records") == [
        {"version": 2, "saved_by": "bo@store", "changed_keys": 1},
        {"version": 1, "saved_by": "ana@store", "changed_keys": 2}]
    assert versions["saved_at"].iloc[1] == "2026-11-21 02:30"  # 18:30 UTC on the policy's Shanghai clock
    assert list(next(f for f in _frames(at) if "old_value" in f.columns)["key"]) == ["working_days.reply"]
    at.selectbox(key="policy_version_diff").set_value(1).run()
    changes = next(f for f in _frames(at) if "old_value" in f.columns)
    assert changes.to_dict("records") == [
        {"parameter": "Name", "key": "name", "old_value": '"Store policy"', "new_value": '"Longer window"'},
        {"parameter": "Returns (RE1): Window days", "key": "returns.window_days", "old_value": "30", "new_value": "45"}]
