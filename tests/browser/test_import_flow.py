"""An admin's flow in the real app (headless Chromium): upload a small CSV of orders with its
own column names, check the suggested mapping and the preview, import it, read the result."""

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
    page.wait_for_timeout(500)
    full_screenshot(page, SCREENSHOTS / "import_flow.png")
