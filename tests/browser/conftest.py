"""Browser tests: the real app (``streamlit run app.py``) driven by headless Chromium.

Fixtures (all session-scoped unless noted):

- ``app_db``       Path of a DuckDB file built from the built-in sample for this test session
                   (the server reads it through ``RETURNS_DESK_DB``, and saved policy files from a
                   temp folder through ``RETURNS_DESK_POLICIES``; ``var/`` is never touched).
- ``app_facts``    ids picked from ``app_db`` before the server opens it (DuckDB lets one process
                   hold the file): ``{"return_case": {"case_id", "order_id"}, "latest_case_id": ...}``;
                   add what your flow needs here.
- ``app_server``   the running app: an object with ``.url`` (``http://127.0.0.1:<port>``),
                   ``.db`` (= ``app_db``) and ``.log`` (Path of the server's output). Started
                   once with ``--server.headless true`` on a free localhost port, stopped at the
                   end of the session.
- ``start_server(db, log)`` / ``stop_server(proc)``  helper functions: a server of your own
                   (e.g. a fresh process, or another database file).
- ``browser``      a Playwright Chromium ``Browser`` (Debian's ``/usr/bin/chromium``, headless).
- ``page``         (function-scoped) a fresh ``Page`` 1400x1000 in a new context, already pointed
                   at nothing; use ``goto(page, app_server, "case_lookup", case="RC0001")``.
- ``goto``         helper function (not a fixture): opens a page path of the app, waits until
                   Streamlit has finished running the script, and returns the page.
- ``wait_idle``    helper function: waits until the app shows no running indicator.
- ``open_expander`` helper function: opens an ``stExpander`` and waits until it stops growing
                   (click inside it only after that).
- ``screenshot``   helper function: ``screenshot(page, "name")`` saves the whole page (not just
                   the first screen) as ``docs/screenshots/name.png``.
- ``no_exception_on_screen``  helper function: asserts no exception box is shown.
- ``SCREENSHOTS``  ``docs/screenshots`` (created).

Import the helpers with
``from tests.browser.conftest import goto, no_exception_on_screen, screenshot, wait_idle``.
Mark tests ``@pytest.mark.browser``. Chromium or Playwright missing: the tests are skipped on a
workstation, but FAIL when ``CI=true`` (CI must run them).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
START_TIMEOUT_S = 90
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class AppServer:
    url: str
    db: Path
    log: Path


@pytest.fixture(scope="session")
def app_db(tmp_path_factory) -> Path:
    import data

    path = tmp_path_factory.mktemp("browser-db") / "returns_desk.duckdb"
    con = data.connect(path, quiet=True)
    con.close()
    return path


@pytest.fixture(scope="session")
def app_facts(app_db) -> dict:
    import data
    from data.lookup import case_row
    from policy import decide, default_policy

    policy = default_policy()
    con = data.connect(app_db, read_only=True)
    try:
        candidates = con.cursor().execute(
            "SELECT case_id, order_id FROM cases c WHERE request = 'refund' AND reason IN ('damaged', 'faulty', "
            "'not_as_described') AND refunded_at IS NOT NULL AND return_received_at IS NOT NULL "
            "AND (SELECT count(*) FROM cases x WHERE x.order_id = c.order_id) = 1 "
            "ORDER BY requested_at DESC LIMIT 200").fetchall()
        chosen = next((c for c in candidates
                       if decide(case_row(con, c[0], policy.calendar.timezone), policy).outcome.value
                       == "return_refund"), candidates[0])
        latest = con.cursor().execute(
            "SELECT case_id FROM cases ORDER BY requested_at DESC, case_id LIMIT 1").fetchone()[0]
        caseless = con.cursor().execute(
            "SELECT order_id FROM orders o WHERE delivered_at IS NOT NULL AND NOT EXISTS "
            "(SELECT 1 FROM cases c WHERE c.order_id = o.order_id) ORDER BY placed_at DESC, order_id LIMIT 1"
        ).fetchall()[0][0]
    finally:
        con.close()
    return {"return_case": {"case_id": chosen[0], "order_id": chosen[1]}, "latest_case_id": latest,
            "caseless_order_id": caseless}


def start_server(db: Path, log: Path, policies: Path | None = None, *, env: dict[str, str] | None = None,
                 args: list[str] | None = None, script: str = "app.py") -> tuple[subprocess.Popen, str]:
    """Start ``streamlit run app.py`` (or ``script``, e.g. serve.py) on a free port against ``db``
    (saved policy files in ``policies``, default: an empty folder beside the log; ``env`` adds
    environment variables, ``args`` Streamlit options such as ``--secrets.files``); returns
    (process, url) once the health check answers. Stop it with ``stop_server(process)``."""
    port = _free_port()
    policies = policies or log.parent / "policies"
    policies.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RETURNS_DESK_DB": str(db), "RETURNS_DESK_POLICIES": str(policies),
           "PYTHONUNBUFFERED": "1", **(env or {})}
    cmd = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", *(args or [])]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_server(proc)
            pytest.fail(f"streamlit did not start in {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")
        time.sleep(0.3)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_server(app_db, app_facts, tmp_path_factory):
    log = tmp_path_factory.mktemp("browser-log") / "streamlit.log"
    proc, url = start_server(app_db, log)
    try:
        yield AppServer(url=url, db=app_db, log=log)
    finally:
        stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


def wait_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script run has finished and the page has settled: main content exists,
    and for 1 s in a row there is no 'running' status widget and no loading skeleton."""
    page.wait_for_selector('[data-testid="stMain"] [data-testid="stElementContainer"]', timeout=timeout_ms)
    busy = ('[data-testid="stStatusWidget"], [data-testid="stSkeleton"], '
            '[data-testid="stSpinner"], [data-stale="true"]')
    waited, quiet = 0, 0
    while quiet < 5:
        if page.locator(busy).count():
            quiet = 0
        else:
            quiet += 1
        page.wait_for_timeout(200)
        waited += 200
        if waited > timeout_ms:
            raise TimeoutError("the app did not finish running in time")


def open_expander(page, expander) -> None:
    """Click ``expander``'s summary and wait until its opening animation is over. Its height
    eases in over ~0.5 s, and Playwright's stability check (two equal frames) can pass in the
    slow tail, so a click on something inside computed its point before the last ~80 px of
    growth and landed beside the target (seen: 6 of 16 runs)."""
    expander.locator("summary").click()
    expander.locator("details[open]").wait_for()
    last, steady = None, 0
    for _ in range(50):
        box = expander.bounding_box()
        steady = steady + 1 if box == last else 0
        if steady >= 3:
            return
        last = box
        page.wait_for_timeout(100)
    raise TimeoutError("the expander kept changing size for 5 s")


def open_settings(page):
    """Open the sidebar's Settings popover (database file, policy version, as-of date) and
    return its body: the browser builds a popover's content only when it is opened."""
    wait_idle(page)  # a run still drawing the sidebar would close the popover again
    body = page.locator('[data-testid="stPopoverBody"]')
    if not body.count():
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Settings").click()
    body.get_by_text("Policy version").first.wait_for()
    return body


def goto(page, server: AppServer, path: str = "", **query: str):
    """Open ``server.url/<path>?<query>`` and wait until the page has rendered."""
    from urllib.parse import urlencode

    url = f"{server.url}/{path}" + (f"?{urlencode(query)}" if query else "")
    page.goto(url, wait_until="domcontentloaded")
    wait_idle(page)
    return page


def screenshot(page, name: str) -> Path:
    """Save the whole page as ``docs/screenshots/<name>.png``. Streamlit scrolls inside its main
    block, so ``full_page`` alone captures one screen: grow the viewport to the content first."""
    size = page.viewport_size or {"width": 1400, "height": 1000}
    height = page.evaluate(
        """() => { const m = document.querySelector('[data-testid="stMain"]');
                   const b = document.querySelector('[data-testid="stMainBlockContainer"]');
                   return Math.max(m ? m.scrollHeight : 0, b ? b.scrollHeight + 120 : 0, window.innerHeight); }""")
    page.set_viewport_size({"width": size["width"], "height": min(int(height), 6000)})
    page.wait_for_timeout(600)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    page.set_viewport_size(size)
    return path


def no_exception_on_screen(page) -> None:
    """Fail if Streamlit shows an exception box (a traceback) anywhere on the page."""
    assert page.locator('[data-testid="stException"]').count() == 0, "an exception is shown"


SCREENSHOTS.mkdir(parents=True, exist_ok=True)
