"""A policy owner's flows in the real app (headless Chromium): change the return window to 45
days, replay, and read how many decisions change; let the store pay the freight of changed-mind
returns, read the cost and the changed cases beside the scenario on a laptop screen, save it as
a version (Enter in the note does not save) and load it back from the sidebar."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    SCREENSHOTS,
    AppServer,
    goto,
    no_exception_on_screen,
    open_expander,
    open_settings,
    start_server,
    stop_server,
    wait_idle,
)
from tests.browser.shots import full_screenshot

pytestmark = pytest.mark.browser


def _metric(main, label: str) -> str:
    return main.locator('[data-testid="stMetric"]').filter(has_text=label).first \
        .locator('[data-testid="stMetricValue"]').inner_text()


def test_policy_owner_replays_a_45_day_window(page, app_server):
    goto(page, app_server)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="What-if lab", exact=True).click()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("What-if lab", exact=True).first.wait_for()
    assert _metric(main, "Decisions that change") == "0"  # first load: the baseline against itself

    open_expander(page, main.locator('[data-testid="stExpander"]').filter(has_text="Returns (RE1)").first)
    window = main.get_by_role("spinbutton", name=re.compile(r"^Window days"))
    window.fill("45")
    window.press("Enter")
    wait_idle(page)
    main.get_by_text("press Replay", exact=False).first.wait_for()
    main.get_by_role("button", name=re.compile("Replay baseline and scenario")).click()
    wait_idle(page)
    main.get_by_text(re.compile(r"^Replayed [\d,]+ case")).first.wait_for()
    changed = int(_metric(main, "Decisions that change").replace(",", ""))
    assert changed > 0
    main.get_by_text(f"Changed cases ({changed:,})").wait_for()
    assert main.get_by_text("Returns (RE1): Window days 30 → 45", exact=False).count() >= 1
    no_exception_on_screen(page)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A server on a database of its own: this flow saves a policy version."""
    import data

    folder = tmp_path_factory.mktemp("freight-flow")
    db = folder / "returns_desk.duckdb"
    data.connect(db, quiet=True).close()
    proc, url = start_server(db, folder / "streamlit.log")
    try:
        yield AppServer(url=url, db=db, log=folder / "streamlit.log")
    finally:
        stop_server(proc)


def _choose(page, select, option: str) -> None:
    select.scroll_into_view_if_needed()  # the scenario's inputs scroll inside their own box
    select.click()
    page.get_by_role("option", name=option).first.click()
    wait_idle(page)


def test_store_pays_changed_mind_freight_costed_saved_and_loaded_back(page, own_server):
    page.set_viewport_size({"width": 1366, "height": 768})  # a laptop screen
    goto(page, own_server)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="What-if lab", exact=True).click()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(re.compile(r"^Replayed [\d,]+ case")).first.wait_for()
    freight_before = main.locator('[data-testid="stMetric"]').filter(has_text="Store-paid freight") \
        .locator('[data-testid="stMetricValue"]').inner_text()

    freight = main.locator('[data-testid="stExpander"]').filter(has_text="Return freight (F1, F2)").first
    open_expander(page, freight)
    _choose(page, freight.get_by_role("combobox", name=re.compile(r"^Changed mind")), "The store (F2)")
    name = main.get_by_role("textbox", name="Name", exact=True)
    name.fill("Store pays changed-mind freight")
    name.press("Enter")
    wait_idle(page)
    main.get_by_role("button", name=re.compile("Replay baseline and scenario")).click()
    wait_idle(page)
    main.get_by_text(re.compile(r"^Replayed [\d,]+ case")).first.wait_for()

    # The cost and the changed cases, in view beside the scenario without scrolling.
    changed = int(_metric(main, "Decisions that change").replace(",", ""))
    assert changed > 0
    cost = main.locator('[data-testid="stMetric"]').filter(has_text="Store-paid freight")
    delta = cost.locator('[data-testid="stMetricDelta"]').inner_text().strip()
    assert re.fullmatch(r"\+[\d,]+\.\d\d · \+[\d,]+ a year", delta), delta
    assert cost.locator('[data-testid="stMetricValue"]').inner_text() != freight_before
    box = cost.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768, box
    tab = main.get_by_role("tab", name=f"Changed cases ({changed:,})")
    assert tab.bounding_box()["y"] <= 768
    assert main.get_by_text("Return freight (F1, F2): Changed mind Customer → The store", exact=False).count() >= 1

    # Saved as a version: Enter in the note saves nothing, the button does.
    note = main.get_by_role("textbox", name=re.compile("Why this change"))
    note.fill("What would paying changed-mind freight cost?")
    note.press("Enter")
    wait_idle(page)
    page.wait_for_timeout(500)
    assert main.get_by_text("Saved as version").count() == 0
    no_exception_on_screen(page)
    full_screenshot(page, SCREENSHOTS / "policy_owner_flow.png", width=1366)
    main.get_by_role("button", name=re.compile("Save as a new policy version")).click()
    wait_idle(page)
    main.get_by_text("Saved as version 1", exact=False).wait_for()

    # Loaded back: version 1 in the sidebar is the new baseline, store-paid changed-mind freight included.
    page.wait_for_timeout(5500)  # the sidebar reads the history at most every 5 s
    goto(page, own_server, "what_if")
    _choose(page, open_settings(page).get_by_role("combobox", name=re.compile("Policy version")),
            "v1 · Store pays changed-mind freight")
    main.get_by_text(re.compile(r"^Replayed [\d,]+ case")).first.wait_for()
    assert _metric(main, "Decisions that change") == "0"
    freight = main.locator('[data-testid="stExpander"]').filter(has_text="Return freight (F1, F2)").first
    open_expander(page, freight)
    assert freight.get_by_role("combobox", name=re.compile(r"^Changed mind · baseline The store")).count() == 1
    no_exception_on_screen(page)
