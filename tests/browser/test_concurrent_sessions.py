"""Twenty people at once: twenty browser sessions (one Playwright process) open Case lookup and
Weekly metrics all at the same moment against one server, then keep switching between them for
20 s (``CONCURRENT_SECONDS``, 60 until the suite had to fit in 10 minutes: a longer soak, e.g.
``CONCURRENT_SECONDS=300``, is one variable away). No session may fail or see another's case, and
once every session has rendered both pages (the caches are filled), the server's memory, sampled
every second, must level off (the caches are bounded). No other browser or slow test runs
meanwhile (tests/conftest.py's SOLO_MODULES): it measures the server under its own load."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SESSIONS = int(os.environ.get("CONCURRENT_SESSIONS", "20"))
SECONDS = float(os.environ.get("CONCURRENT_SECONDS", "20"))
SAMPLE_EVERY_S = 1.0
STEP_TIMEOUT_MS = 120_000


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def settled(page) -> None:
    await page.wait_for_selector('[data-testid="stMain"] [data-testid="stElementContainer"]', timeout=STEP_TIMEOUT_MS)
    busy = '[data-testid="stStatusWidget"], [data-testid="stSkeleton"], [data-stale="true"]'
    quiet, waited = 0, 0
    while quiet < 3:
        quiet = 0 if await page.locator(busy).count() else quiet + 1
        await page.wait_for_timeout(250)
        waited += 250
        if waited > STEP_TIMEOUT_MS:
            raise TimeoutError("the page kept running")
    if await page.locator('[data-testid="stException"]').count():
        raise AssertionError("an exception is shown")


async def round_trip(page, url: str, case_id: str) -> None:
    """A case (by its shared link), then the weekly metrics: two pages."""
    await page.goto(f"{url}/case_lookup?case={case_id}", wait_until="domcontentloaded")
    await page.get_by_text(f"Case {case_id} ·").first.wait_for(timeout=STEP_TIMEOUT_MS)
    await settled(page)
    await page.goto(f"{url}/weekly_metrics", wait_until="domcontentloaded")
    await page.get_by_text("Weekly metrics").first.wait_for(timeout=STEP_TIMEOUT_MS)
    await settled(page)


async def one_session(page, url: str, case_ids: list[str], number: int, stop_at: float) -> int:
    """Round trips until ``stop_at``; the number of pages rendered."""
    done = 0
    while time.monotonic() < stop_at:
        await round_trip(page, url, case_ids[(number + done) % len(case_ids)])
        done += 2
    return done


async def run_sessions(url: str, case_ids: list[str], pid: int) -> tuple[list, list[float], float]:
    """Every session makes one round trip first (the warm-up: the server's caches fill, at a
    pace that depends on the machine's load), then the timed window runs with memory sampled
    every second. Results: per session its page count or the exception it met; the memory
    samples; the warm-up's seconds."""
    from playwright.async_api import async_playwright

    memory: list[float] = []

    async def sample_memory(stop_at: float) -> None:
        while time.monotonic() < stop_at + 5:
            memory.append(rss_mb(pid))
            await asyncio.sleep(SAMPLE_EVERY_S)

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            contexts = [await browser.new_context(viewport={"width": 1200, "height": 900}) for _ in range(SESSIONS)]
            pages = [await c.new_page() for c in contexts]
            for page in pages:
                page.set_default_timeout(STEP_TIMEOUT_MS)
            started = time.monotonic()
            warm = await asyncio.gather(*(round_trip(page, url, case_ids[i % len(case_ids)])
                                          for i, page in enumerate(pages)), return_exceptions=True)
            warm_up_s = time.monotonic() - started
            stop_at = time.monotonic() + SECONDS
            sampler = asyncio.create_task(sample_memory(stop_at))
            results = await asyncio.gather(*(one_session(page, url, case_ids, i, stop_at)
                                             for i, page in enumerate(pages)), return_exceptions=True)
            await sampler
        finally:
            await browser.close()
    return [w if isinstance(w, BaseException) else r for w, r in zip(warm, results, strict=True)], memory, warm_up_s


def test_twenty_sessions_at_once(tmp_path):
    if not os.path.exists(CHROMIUM):
        pytest.skip("chromium missing") if os.environ.get("CI", "") != "true" else pytest.fail("chromium missing")
    import data

    db = tmp_path / "concurrent.duckdb"
    con = data.connect(db, quiet=True)
    case_ids = [r[0] for r in con.cursor().execute(
        "SELECT case_id FROM cases ORDER BY requested_at DESC LIMIT 40").fetchall()]
    con.close()
    proc, url = start_server(db, tmp_path / "server.log")
    outcome: dict = {}

    def drive() -> None:  # its own thread: the session's sync Playwright owns this one's loop
        try:
            outcome["value"] = asyncio.run(run_sessions(url, case_ids, proc.pid))
        except BaseException as exc:  # noqa: BLE001 - re-raised below, in the test's thread
            outcome["error"] = exc

    try:
        worker = threading.Thread(target=drive)
        worker.start()
        worker.join()
    finally:
        stop_server(proc)
    if "error" in outcome:
        raise outcome["error"]
    results, memory, warm_up_s = outcome["value"]

    failures = [r for r in results if isinstance(r, BaseException)]
    pages = [r for r in results if not isinstance(r, BaseException)]
    third = max(len(memory) // 3, 1)
    middle, last = max(memory[third:2 * third] or memory), max(memory[-third:])
    print(f"{SESSIONS} sessions for {SECONDS:.0f} s after a warm-up round of {warm_up_s:.0f} s: {len(pages)} held, "
          f"{len(failures)} failed, "
          f"{sum(pages)} pages rendered; server memory {memory[0]:.0f} MB after the warm-up, "
          f"{middle:.0f} MB peak in the middle third, {last:.0f} MB peak in the last third, "
          f"{max(memory):.0f} MB peak")
    assert not failures, failures[:3]
    assert all(n >= 2 for n in pages)
    assert last <= middle * 1.15 + 50, (middle, last)  # levels off: no steady growth
