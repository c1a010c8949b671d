"""What-if lab (AppTest): first load replays the baseline; a 45-day window changes decisions by
exactly what data.whatif.compare says; scenarios save and load; a bad policy file is a sentence."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from data.whatif import compare
from policy import default_policy, parse_policy
from policy.decision import Reason
from tests.app_support import build_sample_db, metric, open_page

PAGE = "pages/what_if.py"
ZONE = ZoneInfo("Asia/Shanghai")
AS_OF_DAY = dt.date(2026, 9, 30)
AS_OF = dt.datetime(2026, 9, 30, 23, 59, tzinfo=ZONE)
PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


@pytest.fixture()
def at(sample_db, tmp_path, monkeypatch):
    return open_page(PAGE, sample_db, tmp_path, monkeypatch)


def _ok(app):
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    return app


def test_first_load_replays_the_baseline(at):
    _ok(at)
    assert metric(at, "Decisions that change").value == "0"
    assert any(c.value.startswith("Replayed ") for c in at.caption)
    # every key of the policy file has an input holding the baseline value
    flat = default_policy().flat()
    keys = {w.key for w in [*at.number_input, *at.text_input, *at.selectbox, *at.radio, *at.multiselect,
                            *at.date_input] if w.key}
    assert {"wi:" + k for k in flat} <= keys
    assert at.number_input(key="wi:returns.window_days").value == 30
    assert at.radio(key="wi:processing.pause_on").value == "non_working_days"
    assert len(at.radio(key="wi:processing.pause_on").options) == 3


def _drawn(app) -> set[str]:
    """What the result tabs drew: the charts by key, the costs table by its column."""
    charts = {e.key for e in app.get("plotly_chart")}
    costs = {"costs table"} if any("change per year" in d.value.columns for d in app.dataframe) else set()
    return charts | costs


@pytest.mark.parametrize(("tab", "drawn"), [
    ("Outcomes before → after", {"wi_matrix_chart"}),
    ("SLA attainment", {"wi_attainment_chart"}),
    ("Costs", {"costs table"}),
], ids=["outcomes", "sla", "costs"])
def test_only_the_open_tab_is_drawn(at, tab, drawn):
    assert _drawn(_ok(at)) == set()  # the first view: the changed cases only, no chart built or sent
    at.session_state["wi_tabs"] = tab
    assert _drawn(_ok(at.run())) == drawn
    assert metric(at, "Decisions that change").value == "0"  # from the stored replay


def test_longer_window_changes_what_compare_says(at, con):
    at.sidebar.date_input(key="ui_as_of_date").set_value(AS_OF_DAY).run()
    at.date_input(key="wi_period").set_value(PERIOD).run()
    at.number_input(key="wi:returns.window_days").set_value(45).run()
    _ok(at)
    assert any("inputs changed" in i.value for i in at.info)
    at.button(key="wi_replay").click().run()
    _ok(at)
    base = default_policy()
    expected = compare(con, base, base.replace({"returns.window_days": 45}), PERIOD, as_of=AS_OF)
    assert expected.changed > 0
    assert metric(at, "Decisions that change").value == f"{expected.changed:,}"
    assert metric(at, "Same outcome, other deadlines").value == f"{expected.deadline_only:,}"
    assert metric(at, "Refund cost (USD)").value == f"{expected.costs.at['refunds', 'after']:,.0f}"
    change, days = expected.costs.at["refunds", "change"], (expected.last - expected.first).days + 1
    assert metric(at, "Refund cost (USD)").delta == f"{change:+,.2f} · {change * 365 / days:+,.0f} a year"
    assert any(t.label == f"Changed cases ({expected.changed:,})" for t in at.tabs)
    assert not any("inputs changed" in i.value for i in at.info)
    frames = [d.value for d in at.dataframe]
    changed = next(f for f in frames if "open" in f.columns)
    opened = changed["open"].str.extract(r"case=([^&]*)")[0]
    assert set(opened) == set(expected.changed_rows["case_id"])
    assert set(changed["reason"]) <= {r.label for r in Reason}  # labels, not codes
    carried = f"&as_of={AS_OF.date()}"  # the case opens as it stood at the replay's as-of date
    assert changed["open"].iloc[0] == f"case_lookup?case={opened.iloc[0]}{carried}"
    link = next(p for p in at.get("page_link") if "Open case" in p.proto.label)
    assert link.proto.query_string == f"case={at.selectbox(key='wi_case').value}{carried}"
    at.session_state["wi_tabs"] = "Costs"  # tabs are drawn when opened
    costs = next(d.value for d in at.run().dataframe if "change per year" in d.value.columns)
    days = (expected.last - expected.first).days + 1
    assert costs.at["Refunds", "change per year"] == pytest.approx(expected.costs.at["refunds", "change"] * 365 / days)


def test_store_paid_freight_for_changed_mind_raises_the_freight_cost(at, con):
    at.sidebar.date_input(key="ui_as_of_date").set_value(AS_OF_DAY).run()
    at.date_input(key="wi_period").set_value(PERIOD).run()
    payer = at.selectbox(key="wi:return_freight.changed_mind")
    assert payer.value == "customer" and payer.options == ["The customer (F1)", "The store (F2)"]
    payer.set_value("merchant").run()
    at.button(key="wi_replay").click().run()
    _ok(at)
    base = default_policy()
    expected = compare(con, base, base.replace({"return_freight.changed_mind": "merchant"}), PERIOD, as_of=AS_OF)
    assert expected.changed > 0 and expected.costs.at["store-paid freight", "change"] > 0
    assert metric(at, "Decisions that change").value == f"{expected.changed:,}"
    change, days = expected.costs.at["store-paid freight", "change"], (expected.last - expected.first).days + 1
    assert metric(at, "Store-paid freight (USD)").delta == f"{change:+,.2f} · {change * 365 / days:+,.0f} a year"


def test_save_the_scenario_as_toml(at, downloads):
    at.number_input(key="wi:returns.window_days").set_value(45).run()
    at.radio(key="wi:processing.pause_on").set_value("nothing").run()
    _ok(at)
    saved = parse_policy(downloads["store-policy.toml"].decode("utf-8"))
    assert saved.returns.window_days == 45
    assert saved.processing.pause_on.value == "nothing"


def test_load_a_scenario_fills_the_inputs(at):
    text = b'name = "Generous"\n[returns]\nwindow_days = 60\n[working_days]\nreply = 2\n'
    at.file_uploader(key="wi_upload").set_value(("generous.toml", text, "application/toml")).run()
    _ok(at)
    assert at.number_input(key="wi:returns.window_days").value == 60
    assert at.number_input(key="wi:working_days.reply").value == 2
    assert at.text_input(key="wi:name").value == "Generous"
    at.button(key="wi_reset").click().run()
    _ok(at)
    assert at.number_input(key="wi:returns.window_days").value == 30


@pytest.mark.parametrize("content, words", [
    (b"[returns]\nwindow_days = -3\n", "returns.window_days"),
    (b"[returns]\nwindow_dayz = 40\n", "returns.window_dayz: unknown key"),
    (b"[calendar]\ncountry = \"XX\"\n", "calendar.country"),
    (b"this is = = not toml", "not a valid TOML file"),
    (b"\xff\xfe\x00bad", "not a UTF-8 text file"),
])
def test_an_invalid_policy_file_shows_its_error(at, content, words):
    at.file_uploader(key="wi_upload").set_value(("bad.toml", content, "application/toml")).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value.replace("\\", "") for e in at.error]
    assert len(errors) == 1 and words in errors[0], errors
    assert "Traceback" not in errors[0]
    assert at.number_input(key="wi:returns.window_days").value == 30  # nothing was loaded


def test_an_invalid_input_is_a_sentence(at):
    at.text_input(key="wi:money.currency").set_value("dollars").run()
    assert not at.exception
    errors = [e.value.replace("\\", "") for e in at.error]
    assert any("money.currency" in e for e in errors), errors


def test_calendar_inputs_change_the_scenario(at):
    assert "US" in at.selectbox(key="wi:calendar.country").options
    at.selectbox(key="wi:calendar.country").set_value("US").run()
    at.selectbox(key="wi:calendar.timezone").set_value("America/New_York").run()
    at.multiselect(key="wi:calendar.weekend").set_value(["Friday", "Saturday"]).run()
    _ok(at)
    changed = next(d.value for d in at.dataframe if "parameter" in d.value.columns)
    assert list(changed["parameter"]) == ["Calendar: Country", "Calendar: Timezone", "Calendar: Weekend"]
    assert list(changed["scenario"]) == ["US", "America/New_York", "Friday, Saturday"]


@pytest.fixture()
def fresh_at(tmp_path, monkeypatch):
    """The what-if page on a database of its own (saving versions changes the history)."""
    db = build_sample_db(tmp_path / "versions.duckdb")
    return open_page(PAGE, db, tmp_path, monkeypatch), db


def test_own_saves_build_on_each_other_and_someone_elses_save_can_be_reapplied(fresh_at):
    from data.policy_versions import latest_version, load_version, save_version, version_changes

    at, db = fresh_at
    at.number_input(key="wi:returns.window_days").set_value(45).run()
    at.text_input(key="wi_version_note").set_value("test a longer window").run()
    assert not at.success  # typing the note (Enter included) saves nothing: the button does
    at.button(key="wi_version_save").click().run()
    _ok(at)
    assert any("Saved as version 1" in s.value for s in at.success)
    # The author's own save is the new base: a second save from the same session goes through.
    at.number_input(key="wi:returns.window_days").set_value(20).run()
    at.button(key="wi_version_save").click().run()
    _ok(at)
    assert any("Saved as version 2" in s.value for s in at.success)
    import ui.context

    con = ui.context.connection()
    assert version_changes(con, 2).to_dict("records") == [
        {"key": "returns.window_days", "old_value": "45", "new_value": "20"}]
    # Someone else saves version 3 on top of it; this session's next save is refused, kept, and
    # can be reapplied on version 3.
    save_version(con, load_version(con, 2).replace({"working_days.reply": 2}), based_on=2, saved_by="someone else")
    at.selectbox(key="wi:return_freight.changed_mind").set_value("merchant").run()
    at.button(key="wi_version_save").click().run()
    assert any("Nothing was saved" in w.value and "someone else" in w.value for w in at.warning)
    assert at.selectbox(key="wi:return_freight.changed_mind").value == "merchant"  # the input is kept
    assert latest_version(con) == 3
    at.button(key="wi_reapply").click().run()
    _ok(at)
    assert at.number_input(key="wi:working_days.reply").value == 2  # version 3's change
    assert at.number_input(key="wi:returns.window_days").value == 20
    assert at.selectbox(key="wi:return_freight.changed_mind").value == "merchant"
    at.button(key="wi_version_save").click().run()
    _ok(at)
    assert any("Saved as version 4" in s.value for s in at.success)
    assert version_changes(con, 4).to_dict("records") == [
        {"key": "return_freight.changed_mind", "old_value": '"customer"', "new_value": '"merchant"'}]
