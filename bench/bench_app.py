"""Benchmark the app: each page's first render with Streamlit's AppTest, on the sample data.

For every page it prints two figures:

- **cold**: the first render in a fresh process state (Streamlit's caches and the data layer's
  decision cache cleared), what the first user after a restart waits for;
- **warm**: a new session rendering the same page afterwards (caches filled), what everyone
  else waits for. Target: <= 1 s.

Adding a page is one line in ``PAGES``; a timing that is not a page render (the what-if replay)
is one entry in ``EXTRA``: a name and a function taking the database path that returns seconds.

Run: python bench/bench_app.py [--db PATH] [--repeat N]
(without ``--db`` a fresh sample database is built in a temporary folder; ``var/`` is untouched).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

# (label, page file relative to app.py): one line per page.
PAGES: list[tuple[str, str]] = [
    ("Weekly metrics", "pages/weekly_metrics.py"),
    ("Case lookup", "pages/case_lookup.py"),
    ("What-if lab", "pages/what_if.py"),
    ("Policy", "pages/policy_page.py"),
    ("Data", "pages/data_page.py"),
]


def lookup_search_seconds(db: Path) -> float:
    """An agent types an order id on Case lookup: seconds until the answer card is drawn."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
    at.run()
    at.switch_page("pages/case_lookup.py").run()
    order_id = at.dataframe[-1].value["order_id"].iloc[0]  # the latest case's order
    start = time.perf_counter()
    at.text_input(key="lookup_search").input(order_id).run()
    took = time.perf_counter() - start
    if at.exception or not at.metric:
        raise RuntimeError("the answer card did not render")
    return took


# (label, function(db_path) -> seconds): timings that are not a page's first render.
EXTRA: list[tuple[str, Callable[[Path], float]]] = [
    ("lookup: search", lookup_search_seconds),
]

WHATIF_CASES = int(os.environ.get("BENCH_WHATIF_CASES", "1000000"))  # target: replay within 3 s


def whatif_replay_seconds(db: Path) -> float:
    """What-if lab: return window 30 -> 45 days, replay every case of a seeded sample with
    ``WHATIF_CASES`` cases (6 orders each; built once beside ``db``, not timed). Times the
    Replay run: the baseline was decided by the page's first render, the scenario is cold."""
    import datetime as dt

    from streamlit.testing.v1 import AppTest

    import data
    from data.sample import load_sample

    big = db.parent / f"whatif-{WHATIF_CASES}.duckdb"
    if not big.exists():
        con = data.connect(big, create_sample=False, quiet=True)
        load_sample(con, 6 * WHATIF_CASES, WHATIF_CASES, until="2026-11-26T00:00:00+08:00")
        con.close()
    os.environ["RETURNS_DESK_DB"] = str(big)
    try:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=600).run()
        at.switch_page("pages/what_if.py").run()
        at.date_input(key="wi_period").set_value((dt.date(2000, 1, 1), dt.date.today())).run()
        at.number_input(key="wi:returns.window_days").set_value(45).run()
        start = time.perf_counter()
        at.button(key="wi_replay").click().run()
        took = time.perf_counter() - start
        if at.exception or not any(c.value.startswith(f"Replayed {WHATIF_CASES:,} case") for c in at.caption):
            raise RuntimeError(f"the replay did not finish: {[e.value for e in at.exception]}")
        return took
    finally:
        os.environ["RETURNS_DESK_DB"] = str(db)


EXTRA.append((f"what-if {WHATIF_CASES / 1e6:g}M cases", whatif_replay_seconds))


def _patch_pages_manager() -> None:
    """AppTest re-enables the legacy pages/ folder mode on every run (see tests/app_support.py);
    keep it off so each run goes through app.py as in the browser."""
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init


def _clear_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        from data.decisions import clear_cache

        clear_cache()
    except ImportError:
        pass


def render_seconds(page: str, cold: bool = False, timeout: float = 300) -> float:
    """Seconds for a new session to render ``page``; ``cold``: with every cache emptied first."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout)
    at.run()  # app.py with the default page registers the navigation (not timed)
    if cold:
        _clear_caches()
    at.switch_page(page)
    start = time.perf_counter()
    at.run()
    took = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception[0].value}")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database file (default: a fresh sample in a temp folder)")
    parser.add_argument("--repeat", type=int, default=3, help="warm renders per page (median shown)")
    args = parser.parse_args(argv)

    tmp = tempfile.TemporaryDirectory(prefix="bench-app-")
    db = args.db or Path(tmp.name) / "sample.duckdb"
    os.environ["RETURNS_DESK_DB"] = str(db)
    import data

    start = time.perf_counter()
    data.connect(db, quiet=True).close()
    print(f"database: {db} (ready in {time.perf_counter() - start:.2f} s)")
    _patch_pages_manager()

    print(f"{'page':<18}{'cold s':>10}{'warm s':>10}")
    for label, page in PAGES:
        try:
            cold = render_seconds(page, cold=True)
            warm = statistics.median(render_seconds(page) for _ in range(max(1, args.repeat)))
            print(f"{label:<18}{cold:>10.3f}{warm:>10.3f}")
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            print(f"{label:<18}{'failed':>10}   {exc}")
    for label, func in EXTRA:
        try:
            print(f"{label:<18}{func(db):>10.3f}")
        except Exception as exc:  # noqa: BLE001
            print(f"{label:<18}{'failed':>10}   {exc}")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
