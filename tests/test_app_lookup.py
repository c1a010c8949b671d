"""Case lookup page (AppTest): first load, search, shared links, the answer card against the
engine, and the enquiry form giving the policy spec's worked examples (section 4)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import data
from data.lookup import case_lookup, case_row
from data.report import breached_and_at_risk
from policy import decide, default_policy
from policy.worked_examples import example_inputs
from tests.app_support import app_test, build_sample_db, use_app_env
from ui import display

PAGE = "pages/case_lookup.py"
ZONE = "Asia/Shanghai"


@pytest.fixture(scope="module")
def facts(sample_db):
    con = data.connect(sample_db, read_only=True)
    try:
        latest = case_lookup(con, "", 15)
        ret = con.cursor().execute(
            "SELECT case_id, order_id FROM cases c WHERE request = 'refund' AND reason = 'damaged' "
            "AND (SELECT count(*) FROM cases x WHERE x.order_id = c.order_id) = 1 "
            "ORDER BY requested_at DESC LIMIT 1").fetchone()
        row = case_row(con, ret[0], ZONE)
        queue = breached_and_at_risk(con, default_policy(), "2026-11-12T23:59:59+08:00", limit=100_000)
        by_outcome: dict[str, str] = {}
        for (case_id,) in con.cursor().execute(
                "SELECT case_id FROM cases ORDER BY requested_at DESC LIMIT 600").fetchall():
            outcome = decide(case_row(con, case_id, ZONE), default_policy()).outcome.value
            by_outcome.setdefault(outcome, case_id)
        store = [r[0] for r in con.cursor().execute(
            "SELECT category FROM orders WHERE category IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1").fetchall()]
        shipped = con.cursor().execute(
            "SELECT case_id, customer_shipped_at FROM cases WHERE customer_shipped_at IS NOT NULL "
            "AND refunded_at IS NULL AND replied_at IS NOT NULL ORDER BY requested_at DESC LIMIT 1").fetchall()
        lonely = con.cursor().execute(
            "SELECT order_id, category, order_amount FROM orders o WHERE delivered_at IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM cases c WHERE c.order_id = o.order_id) ORDER BY placed_at DESC LIMIT 1").fetchall()[0]
    finally:
        con.close()
    return {"latest": latest, "case_id": ret[0], "order_id": ret[1], "decision": decide(row, default_policy()),
            "queue_1112": queue, "by_outcome": by_outcome, "store_categories": store, "lonely_order": lonely,
            "shipped": shipped[0] if shipped else None}


@pytest.fixture()
def env(sample_db, tmp_path, monkeypatch):
    use_app_env(sample_db, tmp_path, monkeypatch)


def _page(query: dict | None = None):
    at = app_test().run()
    at.switch_page(PAGE)
    if query:
        at.query_params.update(query)
    return at.run()


def _texts(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [h.value for h in at.subheader] + [c.value for c in at.caption] + [i.value for i in at.info]
                     + [w.value for w in at.warning] + [e.value for e in at.error])


def _table(at, name: str):
    """The selectable table ``name`` (its key carries a counter, see pages/case_lookup.py)."""
    import re

    found = [df for df in at.dataframe if re.fullmatch(rf"{name}_\d+", str(getattr(df, "key", "") or ""))]
    assert len(found) == 1, [getattr(df, "key", None) for df in at.dataframe]
    return found[0]


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_first_load_shows_queues_and_latest_cases(env, facts):
    at = _page()
    _ok(at)
    assert not at.error
    md = _texts(at)
    assert "At risk: due within one working day" in md
    assert "Latest cases" in md
    latest = _table(at, "lookup_latest").value
    assert list(latest["case_id"]) == list(facts["latest"]["case_id"])
    assert latest["reason"].notna().all() and latest["request"].notna().all()  # no grey "None" cell
    no_reason = facts["latest"]["reason"].isna().to_numpy()
    assert no_reason.any(), "the sample's latest cases include a cancellation without a reason"
    assert set(latest["reason"][no_reason]) == {"—"}
    # As of today the queue either lists what is due within a working day or says that nothing
    # is (which one depends on how far today is past the sample's last day).
    import re

    at_risk = [df for df in at.dataframe if re.fullmatch(r"lookup_at_risk_\d+", str(getattr(df, "key", "") or ""))]
    assert (at_risk and len(at_risk[0].value)) or "No open case has a deadline within one working day" in md


def test_at_risk_queue_as_of_a_busy_day_matches_the_data_layer(env, facts):
    at = _page()
    at.sidebar.date_input(key="ui_as_of_date").set_value(dt.date(2026, 11, 12)).run()
    _ok(at)
    queue = facts["queue_1112"]  # data.report.breached_and_at_risk, the managers' definition
    store = ~queue["stage"].isin(["processing", "customer_ship"])
    risk = queue[(queue["status"] == "at_risk") & store]
    orders = queue[(queue["status"] == "at_risk") & (queue["stage"] == "processing")]
    assert len(risk) and len(orders)
    shown = _table(at, "lookup_at_risk").value
    assert sorted(shown["case_id"]) == sorted(risk["item_id"])
    assert list(shown["due"]) == sorted(shown["due"])
    assert f"{len(orders)} order(s) must be handed to the carrier" in _texts(at)
    overdue = queue[(queue["status"] == "breached") & store]
    assert f"{len(overdue)} open case deadline(s) are past due" in _texts(at)
    shown = _table(at, "lookup_overdue").value
    assert len(shown) == min(200, len(overdue))
    assert list(shown["due"]) == sorted(shown["due"], reverse=True)
    not_shipped = queue[(queue["status"] == "breached") & (queue["stage"] == "customer_ship")]
    assert f"Customer's side: {len(not_shipped)} return(s)" in _texts(at)


def test_search_by_order_id_opens_the_case_and_the_url_carries_it(env, facts):
    at = _page()
    at.text_input(key="lookup_search").input(facts["order_id"]).run()
    _ok(at)
    assert at.query_params.get("case") == facts["case_id"]
    decision = facts["decision"]
    md = _texts(at)
    assert f"Case {facts['case_id']} · order {facts['order_id']}" in md.replace("\\", "")
    assert display.outcome_label(decision.outcome.value) in md.replace("\\", "")
    metrics = {m.label: m.value for m in at.metric}
    if decision.refund.kind.value == "none":
        assert metrics["Refund"] == "None"
    else:
        assert metrics[f"Refund ({decision.refund.kind.value})"] == display.money(decision.refund.amount, "USD")
    assert metrics["Return freight paid by"] == display.payer_label(decision.freight_payer.value)
    labels = [e.label for e in at.expander]
    assert [lab.split(" · ")[0] for lab in labels] == [c.id for c in decision.clauses]
    assert len(at.get("plotly_chart")) == 1


def test_partial_search_lists_matches_recent_first(env, sample_db):
    at = _page()
    at.text_input(key="lookup_search").input("RC00099").run()
    _ok(at)
    table = _table(at, "lookup_results").value
    assert len(table) > 1
    assert all("RC00099" in c for c in table["case_id"])
    assert list(table["requested_at"]) == sorted(table["requested_at"], reverse=True)
    assert "case" not in at.query_params


def test_a_shared_link_opens_the_case(env, facts):
    at = _page({"case": facts["case_id"]})
    _ok(at)
    assert f"Case {facts['case_id']}" in _texts(at).replace("\\", "")
    at.button(key="lookup_close").click().run()
    _ok(at)
    assert "case" not in at.query_params
    assert "Latest cases" in _texts(at)


def test_the_script_says_what_is_done_and_what_is_next(env, facts):
    if facts["shipped"] is None:
        pytest.skip("the sample has no shipped return awaiting its refund")
    case_id, shipped_at = facts["shipped"]
    at = _page({"case": case_id, "as_of": "2026-11-26T00:00:00+08:00"})
    _ok(at)
    text = _texts(at).replace("\\", "")
    day = shipped_at.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%a %d %b %Y")
    assert f"you shipped the return on {day}" in text and "So far:" in text
    assert "The policy's answer, for reference:" in text


def test_unknown_or_hostile_case_id_is_a_sentence_not_a_traceback(env):
    at = _page({"case": "**x** [y](http://e.vil) ' OR 1=1 --"})
    _ok(at)
    (warning,) = at.warning
    assert "There is no case" in warning.value
    assert "**x**" not in warning.value and "[y](" not in warning.value


def test_no_match_says_what_to_do(env):
    at = _page()
    at.text_input(key="lookup_search").input("NO-SUCH-ID").run()
    _ok(at)
    assert "No case id or order id contains" in _texts(at)


# --- the enquiry form: the spec's worked examples ---------------------------------------------

def _enquiry_page():
    at = _page()
    at.segmented_control(key="lookup_mode").set_value("Phone or email enquiry").run()
    _ok(at)
    return at


def _set_stamp(at, name: str, value: str | None) -> None:
    if value is None:
        at.date_input(key=f"enq_{name}_date").set_value(None)
        return
    moment = dt.datetime.fromisoformat(value)
    at.date_input(key=f"enq_{name}_date").set_value(moment.date())
    at.time_input(key=f"enq_{name}_time").set_value(moment.time())


def _basics(at, order_id: str = "A-1", amount: float = 100.0, category: str = "apparel") -> None:
    """The fields the form leaves empty and a decision needs."""
    at.text_input(key="enq_order_id").input(order_id)
    at.number_input(key="enq_amount").set_value(amount)
    at.selectbox(key="enq_category").set_value(category)


def _card(at) -> tuple[dict, str]:
    return {m.label: m.value for m in at.metric}, _texts(at).replace("\\", "")


def test_form_typed_by_hand_example_1_cancel_over_spring_festival(env):
    at = _enquiry_page()
    _basics(at)
    at.selectbox(key="enq_request").set_value("cancel")
    _set_stamp(at, "placed_at", "2025-01-24T10:00")
    _set_stamp(at, "requested_at", "2025-01-25T18:00")
    at.radio(key="enq_as_of").set_value("The latest date entered")
    at.button(key="enq_submit").click().run()
    _ok(at)
    metrics, text = _card(at)
    assert "Cancel free of charge" in text
    assert metrics["Refund (full)"] == "100.00 USD"
    assert metrics["Return freight paid by"] == "Nobody"
    assert "Pay the refund (RF1/RF2/R0)" in text and "Wed 2025-02-05 23:59" in text
    assert [e.label.split(" · ")[0] for e in at.expander] == ["C1", "R0"]


def test_form_typed_by_hand_example_2_changed_mind_on_day_30(env):
    at = _enquiry_page()
    _basics(at, amount=40.0)
    at.selectbox(key="enq_request").set_value("refund")
    at.selectbox(key="enq_reason").set_value("changed_mind")
    _set_stamp(at, "placed_at", "2025-03-03T09:00")
    _set_stamp(at, "shipped_at", "2025-03-04T09:00")
    _set_stamp(at, "delivered_at", "2025-03-10T14:00")
    _set_stamp(at, "requested_at", "2025-04-09T11:00")
    at.button(key="enq_submit").click().run()
    _ok(at)
    metrics, text = _card(at)
    assert "Return, then full refund" in text
    assert metrics["Refund (full)"] == "40.00 USD"
    assert metrics["Return freight paid by"] == "Customer"
    assert metrics["Other costs (taxes…)"] == "Negotiated"
    assert "Mon 2025-04-14 23:59" in text  # reply_by


EXPECTED = {  # policy-spec.md section 4, as the card shows it
    "1": ("Cancel free of charge", {"Refund (full)": "100.00 USD"}, ["Wed 2025-02-05 23:59"]),
    "2": ("Return, then full refund", {"Refund (full)": "40.00 USD", "Return freight paid by": "Customer",
                                       "Other costs (taxes…)": "Negotiated"},
          ["Mon 2025-04-14 23:59"]),
    "3": ("Manual review", {"Refund": "None"}, []),
    "4": ("Partial refund, item kept", {"Refund (partial)": "12.00 USD",
                                        "Return freight paid by": "Nobody"},
          ["Mon 2025-06-09 23:59"]),
    "5": ("Return, then full refund", {"Return freight paid by": "The store", "Other costs (taxes…)": "The store"},
          []),
    "6": ("Needs more information", {"Still missing": "Pictures/videos of product and packaging"}, []),
    "7": ("Rejected", {"Refund": "None"}, []),
}


@pytest.mark.parametrize("label", list(example_inputs()), ids=lambda k: k.split(" · ")[0])
def test_form_gives_each_worked_example(env, label):
    at = _enquiry_page()
    at.selectbox(key="enq_example").set_value(label).run()
    at.button(key="enq_submit").click().run()
    _ok(at)
    outcome, metrics, dates = EXPECTED[label.split(" · ")[0]]
    got, text = _card(at)
    assert outcome in text
    for key, value in metrics.items():
        assert got[key] == value, key
    for date in dates:
        assert date in text
    if label.startswith("5"):
        assert "A1" in [e.label.split(" · ")[0] for e in at.expander]
    if label.startswith("7"):
        assert "N1" in [e.label.split(" · ")[0] for e in at.expander]


def test_empty_form_starts_empty_and_asks_for_what_is_missing(env):
    at = _enquiry_page()
    assert at.text_input(key="enq_order_id").value == ""
    assert at.number_input(key="enq_amount").value is None
    assert at.selectbox(key="enq_category").value is None
    assert all(t.value is None for t in at.time_input)
    at.button(key="enq_submit").click().run()
    _ok(at)
    assert not at.metric  # no decision on invented values
    assert ("Fill in before deciding: Order id, Order amount, Customer asked (date and time), Reason."
            in _texts(at).replace("\\", ""))


def test_form_date_without_time_asks_for_the_time(env):
    at = _enquiry_page()
    _basics(at)
    at.selectbox(key="enq_request").set_value("cancel")
    at.date_input(key="enq_requested_at_date").set_value(dt.date(2025, 1, 25))
    at.button(key="enq_submit").click().run()
    _ok(at)
    assert "Customer asked (date and time)" in _texts(at).replace("\\", "") and not at.metric


def test_category_offers_the_store_and_warranty_categories(env, facts):
    store = facts["store_categories"]
    at = _enquiry_page()
    options = at.selectbox(key="enq_category").options
    assert options[:len(store)] == store and "electronics" in options  # typing a new one: tests/browser


def test_form_bad_value_is_a_sentence(env):
    at = _enquiry_page()
    _basics(at)
    _set_stamp(at, "requested_at", "2025-06-09T11:00")
    at.selectbox(key="enq_reason").set_value("damaged")
    at.text_input(key="enq_currency").input("DOLLARS")
    at.button(key="enq_submit").click().run()
    _ok(at)
    assert at.error and "currency" in at.error[0].value.lower()


def test_form_without_a_reason_names_the_field(env):
    at = _enquiry_page()
    _basics(at)
    _set_stamp(at, "requested_at", "2025-06-09T11:00")
    at.selectbox(key="enq_request").set_value("refund")
    at.selectbox(key="enq_reason").set_value("—")
    at.button(key="enq_submit").click().run()
    _ok(at)
    assert "Fill in before deciding: Reason." in _texts(at).replace("\\", "") and not at.metric


def test_search_for_an_order_without_a_case_opens_the_order_with_a_filled_form(env, facts):
    order_id, category, amount = facts["lonely_order"]
    at = _page()
    at.text_input(key="lookup_search").input(order_id).run()
    _ok(at)
    assert at.query_params.get("order") == order_id and "case" not in at.query_params
    text = _texts(at).replace("\\", "")
    assert f"Order {order_id}" in text and "No case about this order yet." in text
    assert "No case id or order id contains" not in text
    assert at.text_input(key="enq_order_id").value == order_id
    assert at.selectbox(key="enq_category").value == category
    assert at.number_input(key="enq_amount").value == float(amount)
    assert at.date_input(key="enq_delivered_at_date").value is not None
    at.selectbox(key="enq_request").set_value("refund")
    at.selectbox(key="enq_reason").set_value("changed_mind")
    at.date_input(key="enq_requested_at_date").set_value(dt.date(2026, 11, 20))
    at.time_input(key="enq_requested_at_time").set_value(dt.time(10, 0))
    at.button(key="enq_submit").click().run()
    _ok(at)
    assert f"Enquiry · order {order_id}" in _texts(at).replace("\\", "") and at.metric


def test_an_order_link_lists_its_cases_each_openable(env, facts):
    at = _page({"order": facts["order_id"]})
    _ok(at)
    table = _table(at, "lookup_order_cases").value
    assert list(table["case_id"]) == [facts["case_id"]]
    at.button(key="lookup_close_order").click().run()
    assert "order" not in at.query_params and "Latest cases" in _texts(at)


def test_an_unknown_order_link_is_a_sentence(env):
    at = _page({"order": "NO-SUCH-ORDER"})
    _ok(at)
    assert "There is no order" in _texts(at)


def test_a_link_to_a_case_opens_it_even_from_the_enquiry_form(env, facts):
    at = _enquiry_page()
    at.query_params["case"] = facts["case_id"]
    at.run()
    _ok(at)
    assert f"Case {facts['case_id']}" in _texts(at).replace("\\", "")
    at.segmented_control(key="lookup_mode").set_value("Phone or email enquiry").run()
    assert at.button(key="enq_submit")  # the agent can still switch to the form


def test_an_unreadable_database_is_a_sentence(tmp_path, monkeypatch):
    bad = tmp_path / "not-a-database.duckdb"
    bad.write_text("this is not a DuckDB file")
    use_app_env(bad, tmp_path, monkeypatch)
    at = _page()
    _ok(at)
    assert at.error and "database" in at.error[0].value.lower()


def test_a_case_of_every_outcome_renders_its_card(env, facts):
    assert len(facts["by_outcome"]) >= 8
    for outcome, case_id in facts["by_outcome"].items():
        at = _page({"case": case_id})
        _ok(at)
        assert not at.error, (outcome, [e.value for e in at.error])
        assert display.outcome_label(outcome) in _texts(at).replace("\\", ""), outcome
        assert len(at.get("plotly_chart")) == 1


def test_hostile_values_in_the_data_show_as_text(tmp_path, monkeypatch):
    db = build_sample_db(tmp_path / "hostile.duckdb")
    con = data.connect(db, quiet=True)
    evil_order = "SO-**x**-[a](http://e.vil)"
    evil_agent = "<img src=x onerror=alert(1)> :red[boom] $x$"
    cur = con.cursor()
    cur.execute("INSERT INTO orders SELECT $o, placed_at, shipped_at, delivered_at, promised_delivery_at, "
                "order_amount, currency, '<b>cat</b>', country, status FROM orders LIMIT 1", {"o": evil_order})
    cur.execute("INSERT INTO cases (case_id, order_id, request, reason, requested_at, agent) "
                "SELECT 'RC-EVIL', $o, 'refund', 'damaged', requested_at, $a FROM cases LIMIT 1",
                {"o": evil_order, "a": evil_agent})
    con.close()
    use_app_env(db, tmp_path, monkeypatch)
    at = _page({"case": "RC-EVIL"})
    _ok(at)
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.subheader]
    joined = "\n".join(shown)
    import re

    for raw in ("**x**", "[a](", ":red[", "$x$", "<b>"):
        assert raw not in joined, raw
    assert not re.search(r"(?<!\\)<", joined)  # every < escaped
    assert "\\<img" in joined and "RC\\-EVIL" in joined


def test_no_html_in_the_app_files():
    root = Path(__file__).resolve().parent.parent
    files = [root / "app.py", root / "pages" / "case_lookup.py", root / "pages" / "policy_page.py",
             *sorted((root / "ui").glob("*.py"))]
    for f in files:
        code = f.read_text()
        assert "unsafe_allow_html=True" not in code, f
        assert "st.html(" not in code, f
