"""An admin's flow in the real app (headless Chromium): upload a small CSV of orders with its
own column names, check the suggested mapping and the preview, import it, read the result; and
import a semicolon, decimal-comma export with a map saved in a first import and chosen by name
after a reload (issue 14)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS, goto, no_exception_on_screen, wait_idle
from tests.browser.shots import full_screenshot

pytestmark = pytest.mark.browser

CSV = ("Order Number,Order Date,Total,Product Category,Country\n"
       "BRW-1,2026-11-01T10:00:00+08:00,12.50,toys,US\n"
       "BRW-2,2026-11-02 09:00,40,home,DE\n"
       "BRW-3,2026-11-03 18:30,0,books,FR\n")


def test_admin_imports_a_small_csv(page, app_server, tmp_path):
    path = tmp_path / "shop-orders.csv"
    path.write_text(CSV, encoding="utf-8")
    goto(page, app_server)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Data", exact=True).click()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Data-quality findings").first.wait_for()
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    wait_idle(page)
    main.get_by_text("Map the columns of shop-orders.csv", exact=False).first.wait_for()
    main.get_by_text("BRW-1").first.wait_for(state="attached")  # the preview
    main.get_by_role("button", name=re.compile("Import into orders")).click()
    wait_idle(page)
    main.get_by_text(re.compile(r"3 row\(s\) read, 3 inserted")).first.wait_for()
    no_exception_on_screen(page)


def _export(month: int, first: int) -> str:
    """A month of a Brazilian marketplace's orders as its spreadsheet saves them."""
    return ("order_id;order_purchase_timestamp;payment_value;order_status\n"
            f"SM-{first};{month}/2/2017 10:56;1.234,56;delivered\n"
            f"SM-{first + 1};{month}/20/2017 14:05;38,71;delivered\n"
            f"SM-{first + 2};{month}/28/2017 0:00;141,46;shipped\n")


def _data_page(page, app_server):
    goto(page, app_server)
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Data", exact=True).click()
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Data-quality findings").first.wait_for()
    return main


def _orders_in_header(main) -> int:
    caption = main.get_by_text(re.compile(r"[\d,]+ orders, [\d,]+ cases")).first.inner_text()
    return int(re.search(r"([\d,]+) orders", caption).group(1).replace(",", ""))


def _type(page, label: str, value: str) -> None:
    box = page.get_by_role("textbox", name=label, exact=False)
    box.fill(value)
    box.press("Enter")
    wait_idle(page)


def test_semicolon_decimal_comma_export_with_a_saved_map(page, app_server, tmp_path):
    october, november = tmp_path / "orders_2017_10.csv", tmp_path / "orders_2017_11.csv"
    october.write_text(_export(10, 1), encoding="utf-8")
    november.write_text(_export(11, 4), encoding="utf-8")

    # first import: the settings are made on the page, the format detected, the map saved by name
    main = _data_page(page, app_server)
    before = _orders_in_header(main)
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(october))
    wait_idle(page)
    main.get_by_text("Columns separated by semicolons").first.wait_for()
    main.get_by_text(re.compile(r"Detected %m/%d/%Y %H:%M")).first.wait_for()
    _type(page, "Zone of timestamps without an offset", "America/Sao_Paulo")
    _type(page, "Currency when no column gives it", "BRL")
    _type(page, "Save these settings as a map named", "Olist monthly")
    main.get_by_role("button", name=re.compile("Save map")).click()
    wait_idle(page)
    main.get_by_text(re.compile("Map Olist monthly saved")).first.wait_for()
    main.get_by_role("button", name=re.compile("Import into orders")).click()
    wait_idle(page)
    main.get_by_text(re.compile(r"3 row\(s\) read, 3 inserted")).first.wait_for()
    assert _orders_in_header(main) == before + 3  # the header follows the import

    # a reload: the page remembers nothing but the saved map, chosen by name
    page.reload()
    main = _data_page(page, app_server)
    main.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(str(november))
    wait_idle(page)
    main.get_by_text("Map the columns of orders_2017_11.csv").first.wait_for()
    chooser = main.get_by_role("combobox", name="Map", exact=True)
    chooser.click()
    chooser.fill("Olist monthly")
    page.get_by_role("option", name="saved: Olist monthly").click()
    wait_idle(page)
    fields = {label: page.get_by_role("textbox", name=label, exact=False).input_value()
              for label in ("Timestamp format", "Zone of timestamps", "Currency when")}
    assert fields == {"Timestamp format": "%m/%d/%Y %H:%M", "Zone of timestamps": "America/Sao_Paulo",
                      "Currency when": "BRL"}
    decimal = main.get_by_role("combobox", name="Decimal mark of amounts")
    shown = decimal.input_value() or decimal.get_attribute("aria-label") or ""
    assert "comma: 1.234,56" in shown, shown  # the decimal mark came with the map
    main.get_by_role("button", name=re.compile("Import into orders")).click()
    wait_idle(page)
    main.get_by_text(re.compile(r"3 row\(s\) read, 3 inserted, 0 updated")).first.wait_for()
    assert _orders_in_header(main) == before + 6
    no_exception_on_screen(page)
    page.wait_for_timeout(500)
    full_screenshot(page, SCREENSHOTS / "import_flow.png")
