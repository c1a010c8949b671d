"""Broken login settings fail closed on the real server: with a secrets file that has a full
[auth] and one unclosed quote (or an incomplete [auth], or a broken roles file), an anonymous
visitor gets one sentence naming the file and line, no page and no navigation entry."""

from __future__ import annotations

import pytest

from tests.browser.conftest import start_server, stop_server, wait_idle

pytestmark = pytest.mark.browser

AUTH = ('[auth]\nredirect_uri = "http://127.0.0.1:8501/oauth2callback"\ncookie_secret = "0123456789abcdef0123456789"\n'
        'client_id = "returns-desk"\nclient_secret = "s3cret"\n'
        'server_metadata_url = "https://login.example/.well-known/openid-configuration"\n')
ROLES = '[users]\n"ana@store.com" = "admin"\n'
PAGES = ["", "weekly_metrics", "case_lookup", "what_if", "policy_page", "data_page"]

CASES = [
    # (id, secrets text, roles text or None, what the sentence names)
    pytest.param(AUTH.replace('"s3cret"', '"s3cret'), None, "secrets.toml, line 5", id="secrets-unclosed-quote"),
    pytest.param('[auth]\nclient_id = "returns-desk"\n', None, "[auth] lacks redirect_uri", id="auth-incomplete"),
    pytest.param(AUTH, ROLES.replace('"admin"', '"admin'), "roles.toml, line 2", id="roles-unclosed-quote"),
    pytest.param('other_key = "x"\n', ROLES, "roles.toml exists but no login", id="roles-without-auth"),
]


@pytest.mark.parametrize("secrets, roles, words", CASES)
def test_broken_settings_serve_no_page(browser, app_db, tmp_path, secrets, roles, words):
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text(secrets)
    roles_file = tmp_path / "roles.toml"
    if roles is not None:
        roles_file.write_text(roles)
    proc, url = start_server(app_db, tmp_path / "streamlit.log", env={"RETURNS_DESK_ROLES": str(roles_file)},
                             args=["--secrets.files", str(secrets_file)])
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(f"{url}/{path}", wait_until="domcontentloaded")
            wait_idle(page)
            main = page.locator('[data-testid="stMain"]')
            text = main.inner_text().replace("\u2060", "")
            assert "Returns Desk is closed" in text and words in text, (path, text)
            # No page ran: no page title, no sidebar, no navigation entry, no widget, no login button.
            for title in ("Weekly metrics", "Case lookup", "What-if lab", "Data"):
                assert page.get_by_role("heading", name=title, exact=True).count() == 0, (path, title)
            assert page.locator('[data-testid="stSidebar"]').count() == 0
            assert page.locator('[data-testid="stSidebarNav"], [data-testid="stTopNavLinkContainer"], '
                                '[data-testid="stPageLink"]').count() == 0
            assert page.locator("input, textarea, button[kind^=primary]").count() == 0
            assert page.locator('[data-testid="stException"]').count() == 0
            assert "s3cret" not in page.content()  # the secret itself is never echoed
    finally:
        context.close()
        stop_server(proc)


def test_readable_settings_without_auth_are_local_use(browser, app_db, tmp_path):
    """The counterpart: readable secrets with no [auth] and no roles file -> everyone is admin,
    and the sidebar says so."""
    secrets_file = tmp_path / "secrets.toml"
    secrets_file.write_text('other_service_key = "x"\n')
    proc, url = start_server(app_db, tmp_path / "streamlit.log",
                             env={"RETURNS_DESK_ROLES": str(tmp_path / "roles.toml")},
                             args=["--secrets.files", str(secrets_file)])
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page.goto(f"{url}/data_page", wait_until="domcontentloaded")
        wait_idle(page)
        page.get_by_text("No login configured: everyone is admin (local use).").wait_for()
        page.get_by_role("heading", name="Data", exact=True).wait_for()
    finally:
        context.close()
        stop_server(proc)
