"""Every page has one address, also the first page a user may open: "/" moves on to it (keeping
the query), so a shared link such as /weekly_metrics?week=... or an old bookmark /?week=... opens
its page without Streamlit's "Page not found" dialog (which the default page's own name used to
meet: Streamlit serves its default page at "/" only)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import goto, no_exception_on_screen

pytestmark = pytest.mark.browser

ADDRESSES = [
    # (path, query, the address the page settles on, its title)
    ("", {}, "/weekly_metrics", "Weekly metrics"),
    ("", {"week": "2026-W45"}, "/weekly_metrics?week=2026-W45", "Weekly metrics"),
    ("weekly_metrics", {"week": "2026-W46"}, "/weekly_metrics?week=2026-W46", "Weekly metrics"),
    ("case_lookup", {"case": "NO-SUCH-CASE"}, "/case_lookup?case=NO-SUCH-CASE", "Case lookup"),
    ("what_if", {}, "/what_if", "What-if lab"),
]


@pytest.mark.parametrize(("path", "query", "settles_on", "title"), ADDRESSES,
                         ids=["home", "old-home-bookmark-with-week", "weekly-link", "case-link", "what-if"])
def test_an_address_opens_its_page_without_page_not_found(page, app_server, path, query, settles_on, title):
    goto(page, app_server, path, **query)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("heading", name=title, exact=True).wait_for()
    assert page.get_by_text("Page not found").count() == 0
    address = urlsplit(page.url)
    assert (address.path + (f"?{address.query}" if address.query else "")).startswith(settles_on), page.url
    if "week" in query:  # the week the link names is the week shown
        assert main.locator("h3").filter(has_text=re.compile(rf"^{query['week']} · ")).count() == 1
    no_exception_on_screen(page)


def test_an_unknown_address_opens_the_first_page_at_its_own_address(page, app_server):
    """(Streamlit may also say "Page not found" for a moment: its dialog, not asserted here.)"""
    goto(page, app_server, "no_such_page")
    page.locator('[data-testid="stMain"]').get_by_role("heading", name="Weekly metrics", exact=True).wait_for()
    assert urlsplit(page.url).path == "/weekly_metrics", page.url
    no_exception_on_screen(page)
