"""A policy owner's flow in the real app (headless Chromium): change the return window to 45
days, replay, and read how many decisions change."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS, goto, no_exception_on_screen, wait_idle
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
    assert main.get_by_text("returns.window_days 30 → 45", exact=False).count() >= 1
    no_exception_on_screen(page)
    page.wait_for_timeout(800)
    full_screenshot(page, SCREENSHOTS / "policy_owner_flow.png")
