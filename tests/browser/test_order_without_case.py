"""An agent's flow for an order that has no case yet (headless Chromium): the search opens the
order, its facts and an enquiry form filled from it; the agent adds what the customer says and
gets a decision."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import goto, no_exception_on_screen, screenshot, wait_idle

pytestmark = pytest.mark.browser


def test_an_order_without_a_case_leads_to_a_decision(page, app_server, app_facts):
    order_id = app_facts["caseless_order_id"]
    goto(page, app_server, "case_lookup")
    box = page.get_by_role("textbox", name="Case id or order id")
    box.fill(order_id)
    box.press("Enter")
    wait_idle(page)
    page.wait_for_url(re.compile(rf"order={order_id}"))
    main = page.locator('[data-testid="stMain"]')
    main.locator("h3", has_text=f"Order {order_id}").wait_for()
    main.get_by_text("No case about this order yet.").wait_for()
    assert main.get_by_text("No case id or order id contains").count() == 0
    assert main.get_by_role("textbox", name="Order id", exact=True).input_value() == order_id  # filled from the order
    # The customer says what they want: a refund, changed mind, asking now.
    main.get_by_role("combobox", name="Reason", exact=True).click()
    page.keyboard.type("Changed mind")
    page.keyboard.press("Enter")
    asked = main.locator('[data-testid="stDateInput"]').nth(4).locator("input")  # the 5th stamp: customer asked
    asked.fill("2026-11-25")
    asked.press("Enter")
    page.wait_for_timeout(300)
    time_box = main.locator('[data-testid="stTimeInput"]').nth(4)
    time_box.click()
    page.keyboard.type("10:00")
    page.keyboard.press("Enter")
    main.get_by_role("button", name="Decide").click()
    wait_idle(page)
    main.get_by_text(f"Enquiry · order {order_id}").wait_for()
    main.get_by_text("Read to the customer").wait_for()
    assert main.get_by_text("Fill in before deciding").count() == 0
    no_exception_on_screen(page)
    screenshot(page, "case_lookup_order_enquiry")
