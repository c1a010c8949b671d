"""Benchmark every page in a real browser against the real server, as ratios measured in one run.

Absolute seconds differ between machines, so each figure is set against a bare one-title
Streamlit page served the same way in the same run:

- **cold**: the first view of a page after a server start (a new server per page, fresh caches),
  what the first user after a restart waits for. Target: within 3x of the bare page's first view.
  Every page is set against a bare page served and viewed beside it (a fresh bare server per page,
  views taken in turns), not against one bare figure taken at the start of a run of minutes.
- **warm**: the same page in a new browser session afterwards (median of ``--repeat``), what
  everyone else waits for. Target: within 2x of the bare page, warm.
- ``--rounds N`` (default 3) starts the servers N times per page: a first view is one sample per
  start, and on a two-core machine one sample moves by a quarter either way, so each figure is
  the median of the rounds (warm: of every warm view of every round).
- **big / sample**: with ``--big DB`` (e.g. 10M orders: ``python -m data sample --db big.duckdb
  --orders 10000000 --cases 2000000``) every page on it against the same page on the sample.
  Target: within 2x.

A view lasts from navigation until the script run has finished and nothing on the page is
running or loading (the last moment anything was busy; the 1 s of quiet used to be sure is not
counted).

Run: python bench/bench_pages.py [--sample DB] [--big DB] [--repeat N] [--rounds N] [--pages weekly_metrics,...]
[--entry app.py] (without ``--sample`` a sample database pinned to 2026-11-26 is built in a
temporary folder; the app is served as the README starts it, through serve.py, which does its
start-up work before the health check answers; ``--entry app.py`` serves app.py directly; the bare
page is always served plainly).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

PAGES = ["weekly_metrics", "case_lookup", "what_if", "policy_page", "data_page"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BUSY = ('[data-testid="stStatusWidget"], [data-testid="stSkeleton"], [data-testid="stSpinner"], '
        '[data-stale="true"]')
CONTENT = '[data-testid="stMain"] [data-testid="stElementContainer"]'
QUIET_S = 1.0
TARGETS = {"warm / bare": 2.0, "cold / bare cold": 3.0, "big / sample": 2.0}
BARE_PAGE = 'import streamlit as st\n\nst.title("Bare page")\n'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    url: str

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def serve(script: Path, cwd: Path, env: dict[str, str], log: Path) -> Server:
    """``streamlit run script`` on a free loopback port, returned once its health check answers."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "ab") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return Server(proc, url)
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"streamlit did not start in 120 s; see {log}")


def view_seconds(browser, url: str, timeout_s: float = 300) -> float:
    """Open ``url`` in a new session; seconds until the page was last busy once content shows."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(CONTENT, timeout=timeout_s * 1000)
        done = time.perf_counter()
        quiet_since = None
        while True:
            now = time.perf_counter()
            if page.locator(BUSY).count():
                done, quiet_since = now, None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= QUIET_S:
                break
            if now - start > timeout_s:
                raise TimeoutError(f"{url} still busy after {timeout_s:.0f} s")
            page.wait_for_timeout(50)
        if page.locator('[data-testid="stException"]').count():
            raise RuntimeError(f"{url} shows an exception")
        return done - start
    finally:
        context.close()


def measure_round(browser, script: Path, cwd: Path, env: dict, path: str, repeat: int, log: Path,
                  bare: Path) -> tuple[float, list[float], float, list[float]]:
    """(cold, warm views) of one page and of the bare page measured beside it: a fresh server
    each, their first views one after the other, then ``repeat`` views of each, taken in turns,
    so a machine that speeds up or slows down during the run moves both alike."""
    server, bare_server = serve(script, cwd, env, log), serve(bare, bare.parent, {}, log)
    try:
        url, bare_url = f"{server.url}/{path}", f"{bare_server.url}/"
        bare_cold, cold = view_seconds(browser, bare_url), view_seconds(browser, url)
        pairs = [(view_seconds(browser, bare_url), view_seconds(browser, url)) for _ in range(repeat)]
    finally:
        server.stop()
        bare_server.stop()
    return cold, [w for _, w in pairs], bare_cold, [b for b, _ in pairs]


def measure(browser, script: Path, cwd: Path, env: dict, path: str, repeat: int, log: Path,
            bare: Path, rounds: int) -> tuple[float, float, float, float]:
    """Medians over ``rounds`` server starts: (cold, warm, bare cold, bare warm)."""
    runs = [measure_round(browser, script, cwd, env, path, repeat, log, bare) for _ in range(rounds)]
    return (statistics.median(r[0] for r in runs), statistics.median(w for r in runs for w in r[1]),
            statistics.median(r[2] for r in runs), statistics.median(b for r in runs for b in r[3]))


def _sample_db(folder: Path) -> Path:
    from data.db import connect
    from data.sample import load_sample

    path = folder / "sample.duckdb"
    con = connect(path, create_sample=False, quiet=True)
    try:
        load_sample(con, until="2026-11-26T00:00:00+08:00")
    finally:
        con.close()
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sample", type=Path, help="the sample database (default: built in a temp folder)")
    ap.add_argument("--big", type=Path, help="a large database to compare with the sample (e.g. 10M orders)")
    ap.add_argument("--repeat", type=int, default=3, help="warm views per server start")
    ap.add_argument("--rounds", type=int, default=3, help="server starts per page (figures are their medians)")
    ap.add_argument("--pages", default=",".join(PAGES))
    ap.add_argument("--entry", default="serve.py", help="the file `streamlit run` serves: serve.py (the README's start command) or app.py")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    pages = [p for p in args.pages.split(",") if p]
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        tmp = Path(tmp)
        log = tmp / "servers.log"
        sample = args.sample or _sample_db(tmp)
        bare = tmp / "bare.py"
        bare.write_text(BARE_PAGE)
        policies = tmp / "policies"
        policies.mkdir()
        dbs = {"sample": sample, **({"big": args.big} if args.big else {})}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                results: dict[tuple[str, str], tuple[float, float, float, float]] = {}
                for name, db in dbs.items():
                    env = {"RETURNS_DESK_DB": str(db), "RETURNS_DESK_POLICIES": str(policies)}
                    for path in pages:
                        results[name, path] = measure(browser, REPO / args.entry, REPO, env, path, args.repeat, log, bare,
                                                        args.rounds)
                        cold, warm, bare_cold, bare_warm = results[name, path]
                        print(f"{name:>6} {path:<15} cold {cold:6.2f} s  warm {warm:6.2f} s   "
                              f"(bare page beside it: cold {bare_cold:.2f} s, warm {bare_warm:.2f} s)", flush=True)
            finally:
                browser.close()
    print()
    print(f"{'page':<15} {'db':>6} {'warm/bare':>10} {'cold/bare':>10}" + (f" {'big/sample':>11}" if args.big else ""))
    failed = 0
    for (name, path), (cold, warm, bare_cold, bare_warm) in results.items():
        ratios = [warm / bare_warm, cold / bare_cold]
        line = f"{path:<15} {name:>6} {ratios[0]:>9.2f}x {ratios[1]:>9.2f}x"
        ok = ratios[0] <= TARGETS["warm / bare"] and ratios[1] <= TARGETS["cold / bare cold"]
        if name == "big":
            big_sample = warm / results["sample", path][1]
            line += f" {big_sample:>10.2f}x"
            ok = ok and big_sample <= TARGETS["big / sample"]
        failed += not ok
        print(line + ("" if ok else "  <- over target"))
    print(f"\ntargets: warm <= {TARGETS['warm / bare']}x bare, cold <= {TARGETS['cold / bare cold']}x bare cold, "
          f"big <= {TARGETS['big / sample']}x sample; {failed} row(s) over")
    return 0


if __name__ == "__main__":
    sys.exit(main())
