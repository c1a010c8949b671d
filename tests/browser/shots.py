"""Whole-page screenshots of a Streamlit page: the main area scrolls inside its own container,
so Playwright's ``full_page`` only sees the window; grow the window to the content first."""

from __future__ import annotations

from pathlib import Path

MAX_HEIGHT = 7000


def full_screenshot(page, path: Path, width: int = 1400) -> None:
    before = page.viewport_size
    height = page.evaluate(
        "() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
        " const b = m && m.querySelector('[data-testid=\"stMainBlockContainer\"]');"
        " return Math.max(b ? b.scrollHeight + 120 : 0, m ? m.scrollHeight : 0, window.innerHeight); }")
    page.set_viewport_size({"width": width, "height": min(int(height), MAX_HEIGHT)})
    page.wait_for_timeout(1200)  # charts re-layout to the new size
    page.screenshot(path=str(path), full_page=True)
    if before:
        page.set_viewport_size(before)
