"""A manager's flow in the real app (headless Chromium): open the weekly metrics (the last
complete week by default), read the tiles and charts, and drill into a breached case."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import SCREENSHOTS, goto, no_exception_on_screen, wait_idle
from tests.browser.shots import full_screenshot

pytestmark = pytest.mark.browser


def open_tab(page, name: re.Pattern) -> None:
    """Click a tab of the page, as a user would, and wait for its content (built when opened)."""
    tab = page.locator('[data-testid="stMain"]').get_by_role("tab", name=name)
    tab.click()
    wait_idle(page)
    assert tab.get_attribute("aria-selected") == "true"


def test_manager_opens_the_last_week_and_drills_into_a_breach(page, app_server):
    goto(page, app_server)  # the app's home is the weekly metrics
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Weekly metrics", exact=True).first.wait_for()
    heading = main.locator("h3").filter(has_text=re.compile(r"^\d{4}-W\d{2} · ")).first
    heading.wait_for()
    week = heading.inner_text().split(" · ")[0]
    for tile in ("Orders", "Cases", "Refunds paid", "Ship the order (P1)", "Reply to the request (RP1)"):
        assert main.locator('[data-testid="stMetric"]').filter(has_text=tile).count() >= 1, tile
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 6
    main.get_by_text(f"Breached in {week}").wait_for()
    no_exception_on_screen(page)
    link = main.get_by_role("link", name=re.compile(r"^Open case \S+ in Case lookup"))
    # the breaches open on where they happened, a Markdown table: no data grid on the first view;
    # the breached cases' grid is built when their tab is opened
    assert main.get_by_role("tab", selected=True).inner_text() == "Where it breached"
    assert main.locator('[data-testid="stMarkdown"] table').filter(has_text="Attainment").count() == 1
    assert main.locator('[data-testid="stDataFrame"]').count() == 0 and link.count() == 0
    open_tab(page, re.compile(r"^Breached cases \([\d,]+\)$"))
    assert main.locator('[data-testid="stDataFrame"]').count() == 1
    link.first.scroll_into_view_if_needed()
    page.wait_for_timeout(800)  # let the charts finish drawing before the picture
    full_screenshot(page, SCREENSHOTS / "manager_flow.png")

    case_id = re.search(r"Open case (\S+) in Case lookup", link.first.inner_text()).group(1)
    link.first.click()
    page.wait_for_url(re.compile(rf"case_lookup\?case={re.escape(case_id)}"))
    wait_idle(page)
    page.get_by_text(f"Case {case_id} ·").first.wait_for()
    no_exception_on_screen(page)
    full_screenshot(page, SCREENSHOTS / "manager_flow_breach.png")


def test_manager_finds_the_worst_stage_by_agent_opens_a_breach_and_reopens_the_views_by_url(page, app_server):
    goto(page, app_server)
    main = page.locator('[data-testid="stMain"]')
    heading = main.locator("h3").filter(has_text=re.compile(r"^\d{4}-W\d{2} · ")).first
    heading.wait_for()
    week = heading.inner_text().split(" · ")[0]
    main.get_by_text(f"Breached in {week}").wait_for()
    assert main.get_by_role("tab", selected=True).inner_text() == "Where it breached"
    stage = main.get_by_role("combobox", name="Stage")
    assert "All the store's stages" not in stage.input_value()  # opens on the worst stage
    main.get_by_text(re.compile(r"breached of [\d,]+ item\(s\)")).first.wait_for()  # by agent: the default
    # four weeks against the four before, kept in the address bar
    main.get_by_text("4 weeks", exact=True).click()
    wait_idle(page)
    page.wait_for_url(re.compile(r"weeks=4"))
    view = page.url
    open_tab(page, re.compile(r"^Breached cases \([\d,]+\)$"))
    link = main.get_by_role("link", name=re.compile(r"^Open case \S+ in Case lookup"))
    link.first.scroll_into_view_if_needed()
    case_id = re.search(r"Open case (\S+) in Case lookup", link.first.inner_text()).group(1)
    link.first.click()
    page.wait_for_url(re.compile(rf"case_lookup\?case={re.escape(case_id)}"))
    wait_idle(page)
    page.get_by_text(f"Case {case_id} ·").first.wait_for()
    case_url = page.url
    no_exception_on_screen(page)
    # both views reopen from their URLs, as a bookmark or a shared link would
    page.goto(case_url)
    wait_idle(page)
    page.get_by_text(f"Case {case_id} ·").first.wait_for()
    page.goto(view)
    wait_idle(page)
    heading = main.locator("h3").filter(has_text=re.compile(r" to \d{4}-W\d{2} · ")).first
    heading.wait_for()
    assert heading.inner_text().split(" · ")[0].endswith(week)
    no_exception_on_screen(page)


def test_a_point_on_the_trend_opens_its_items(page, app_server):
    """Click a point of the 12-week attainment chart: that stage's items of that week are listed."""
    goto(page, app_server)
    main = page.locator('[data-testid="stMain"]')
    main.locator("h3").filter(has_text=re.compile(r"^\d{4}-W\d{2} · ")).first.wait_for()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    point = chart.locator("g.mark-symbol.role-mark path").last  # the latest week of one stage (not the legend's)
    point.wait_for(state="attached")
    box = point.bounding_box()
    # a click picks the nearest point (the chart's selection), so click where the point is drawn
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_idle(page)
    heading = main.locator("h3").filter(has_text=re.compile(r" in \d{4}-W\d{2}$")).first
    heading.wait_for()
    counts = main.get_by_text(re.compile(r"[\d,]+ breached · [\d,]+ met · [\d,]+ pending")).first
    counts.wait_for()
    listed = sum(int(n.replace(",", "")) for n in re.findall(r"([\d,]+) (?:breached|met|pending)", counts.inner_text()))
    assert listed > 0
    no_exception_on_screen(page)
