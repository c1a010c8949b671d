"""An agent's flow in the real app (headless Chromium): first load of Case lookup, a lookup by
order id with its answer card, a shared link to a case, and a phone enquiry."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import goto, no_exception_on_screen, open_expander, open_settings, screenshot, wait_idle

pytestmark = pytest.mark.browser


def test_app_starts_and_shows_the_sidebar(page, app_server):
    goto(page, app_server)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("Database:").first.wait_for()  # what is in force, one line each
    open_settings(page).get_by_text("Database file").wait_for()
    no_exception_on_screen(page)


def test_first_load_shows_the_queues(page, app_server):
    goto(page, app_server, "case_lookup")
    page.get_by_text("At risk: due within one working day").wait_for()
    page.get_by_text("Latest cases").wait_for()
    no_exception_on_screen(page)
    screenshot(page, "case_lookup_first_load")


def test_agent_looks_up_a_case_by_order_id(page, app_server, app_facts):
    case = app_facts["return_case"]
    goto(page, app_server, "case_lookup")
    box = page.get_by_role("textbox", name="Case id or order id")
    box.fill(case["order_id"])
    box.press("Enter")
    wait_idle(page)
    page.get_by_text(f"Case {case['case_id']} · order {case['order_id']}").wait_for()
    page.wait_for_url(re.compile(rf"case={case['case_id']}"))
    main = page.locator('[data-testid="stMain"]')
    for text in ("Refund (full)", "Return freight paid by", "Read to the customer", "Deadlines",
                 "Why: the clauses behind this decision", "Timeline", "Reply to the request (RP1)"):
        assert main.get_by_text(text, exact=True).first.is_visible(), text
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for()  # charts load after the text
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
    # A clause opens its passage of the policy.
    open_expander(page, page.locator('[data-testid="stExpander"]').first)
    no_exception_on_screen(page)
    screenshot(page, "case_lookup_answer_card")


def test_a_shared_link_opens_the_case(page, app_server, app_facts):
    case_id = app_facts["latest_case_id"]
    goto(page, app_server, "case_lookup", case=case_id)
    page.get_by_text(f"Case {case_id} ·").wait_for()
    no_exception_on_screen(page)


def test_phone_enquiry_gives_the_worked_example(page, app_server):
    goto(page, app_server, "case_lookup")
    page.get_by_text("Phone or email enquiry").click()
    wait_idle(page)
    page.get_by_role("combobox", name="Start from a worked example", exact=False).click()
    page.get_by_role("option", name="2 · Changed mind on day 30").click()
    wait_idle(page)
    page.get_by_role("button", name="Decide").click()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Return, then full refund").first.wait_for()
    assert main.get_by_text("Customer", exact=True).first.is_visible()
    assert main.get_by_text("40.00 USD").first.is_visible()
    assert main.get_by_text("Mon 2025-04-14 23:59").first.is_visible()
    no_exception_on_screen(page)
    screenshot(page, "case_lookup_enquiry")


def test_a_clause_opens_the_policy_page(page, app_server, app_facts):
    case = app_facts["return_case"]
    goto(page, app_server, "case_lookup", case=case["case_id"])
    first_clause = page.locator('[data-testid="stExpander"]').first
    open_expander(page, first_clause)
    first_clause.get_by_text("Open the whole policy").click()
    page.wait_for_url(re.compile(r"/policy_page\?clause=[A-Z0-9]+$"))
    wait_idle(page)
    page.get_by_text("The policy text").wait_for()
    no_exception_on_screen(page)
    screenshot(page, "policy_page")
    page.get_by_role("tab", name="Working-day calendar").click()  # drawn when opened
    wait_idle(page)
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 1
    no_exception_on_screen(page)


# Both ways to start the app: serve.py does the start-up work (ui/startup.py) before the first visit.
ENTRIES = pytest.mark.parametrize("entry", ["app.py", "serve.py"], ids=["streamlit run app.py", "streamlit run serve.py"])


@ENTRIES
def test_a_shared_link_is_the_first_visit_after_a_restart(page, tmp_path, entry):
    """Streamlit's legacy pages/ mode is on until app.py runs once; a deep link must still get the
    app's navigation and sidebar (see ui/__init__.py)."""
    import data
    from tests.browser.conftest import AppServer, start_server, stop_server

    db = tmp_path / "fresh.duckdb"
    data.connect(db, quiet=True).close()
    proc, url = start_server(db, tmp_path / "fresh.log", script=entry)
    try:
        goto(page, AppServer(url=url, db=db, log=tmp_path / "fresh.log"), "case_lookup", case="NO-SUCH-CASE")
        page.get_by_text("There is no case NO-SUCH-CASE").wait_for()
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.get_by_text("Database:").count() == 1
        assert sidebar.get_by_text("Case lookup").count() == 1
        assert sidebar.get_by_text("case lookup", exact=True).count() == 0  # not the legacy page list
        assert "case=NO-SUCH-CASE" in page.url
        assert "start-up: cannot import" not in (tmp_path / "fresh.log").read_text()
    finally:
        stop_server(proc)


@ENTRIES
def test_the_first_load_after_a_start_never_shows_the_legacy_page_list(page, tmp_path, entry):
    """Streamlit's legacy pages/ mode sends its own page list (app, case lookup, data page, ...)
    before app.py's st.navigation; with client.showSidebarNavigation = false it is never drawn
    (app.py draws the links). A DOM observer records anything that ever appears."""
    import data
    from tests.browser.conftest import AppServer, start_server, stop_server

    db = tmp_path / "fresh.duckdb"
    data.connect(db, quiet=True).close()
    proc, url = start_server(db, tmp_path / "fresh.log", script=entry)
    page.add_init_script("""
        window.__seen = new Set();
        new MutationObserver(() => {
            if (document.querySelector('[data-testid="stSidebarNav"]')) window.__seen.add('nav');
            const text = document.body ? document.body.innerText : '';
            for (const legacy of ['data page', 'weekly metrics', 'policy page']) {
                if (text.includes(legacy)) window.__seen.add(legacy);
            }
        }).observe(document, {childList: true, subtree: true, characterData: true});
    """)
    try:
        goto(page, AppServer(url=url, db=db, log=tmp_path / "fresh.log"))
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_role("link", name="Case lookup").wait_for()
        assert page.evaluate("Array.from(window.__seen)") == []
    finally:
        stop_server(proc)


def test_pick_a_case_from_the_latest_then_close_it(page, app_server, app_facts):
    goto(page, app_server, "case_lookup")
    page.get_by_text("Latest cases").wait_for()
    grid = page.locator('[data-testid="stDataFrame"]').last
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box
    wait_idle(page)
    latest = app_facts["latest_case_id"]
    page.get_by_text(f"Case {latest} ·").wait_for()
    page.wait_for_url(re.compile(rf"case={latest}"))
    page.get_by_role("button", name="Back to the queue").click()
    wait_idle(page)
    page.get_by_text("Latest cases").wait_for()
    page.wait_for_function("() => !location.search.includes('case=')")
    assert page.get_by_text(f"Case {latest} ·").count() == 0  # the old selection did not reopen it
    no_exception_on_screen(page)


def test_pick_a_case_from_search_results_then_close_it(page, app_server):
    goto(page, app_server, "case_lookup")
    box = page.get_by_role("textbox", name="Case id or order id")
    box.fill("RC00099")
    box.press("Enter")
    wait_idle(page)
    page.get_by_text("case(s) match").wait_for()
    grid = page.locator('[data-testid="stDataFrame"]').first
    b = grid.bounding_box()
    page.mouse.click(b["x"] + 18, b["y"] + 35 + 35 + 17)  # the second row's selection box
    wait_idle(page)
    page.locator("h3", has_text="Case RC00099").wait_for()
    opened = page.url
    page.wait_for_timeout(1500)
    assert page.url == opened  # settled: no rerun loop
    page.get_by_role("button", name="Back to the queue").click()
    wait_idle(page)
    page.wait_for_function("() => !location.search.includes('case=')")
    assert page.locator("h3", has_text="Case RC00099").count() == 0
    page.get_by_text("case(s) match").wait_for()
    no_exception_on_screen(page)
