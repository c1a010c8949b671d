"""Weekly metrics in the real app under ``RETURNS_DESK_FACTS``: the figures come from a facts
folder (``python -m data facts --out``), and the page and sidebar say so."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import AppServer, goto, no_exception_on_screen
from tests.browser.shots import full_screenshot

pytestmark = pytest.mark.browser


def test_weekly_metrics_from_a_facts_folder(page, tmp_path):
    import duckdb

    import data
    from data.__main__ import main
    from tests.browser.conftest import start_server, stop_server

    db = tmp_path / "returns_desk.duckdb"
    data.connect(db, quiet=True).close()
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in ("orders", "cases"):
            con.execute(f"COPY {table} TO '{tmp_path / table}.parquet' (FORMAT parquet)")
    finally:
        con.close()
    facts = tmp_path / "facts"
    assert main(["facts", "--orders", str(tmp_path / "orders.parquet"), "--cases", str(tmp_path / "cases.parquet"),
                 "--out", str(facts)]) == 0
    log = tmp_path / "facts.log"
    proc, url = start_server(db, log, env={"RETURNS_DESK_FACTS": str(facts)})
    try:
        goto(page, AppServer(url=url, db=db, log=log))
        main_area = page.locator('[data-testid="stMain"]')
        main_area.locator("h3").filter(has_text=re.compile(r"^\d{4}-W\d{2} · ")).first.wait_for()
        main_area.get_by_text(re.compile(r"^Figures from the facts folder .*duckdb engine")).wait_for()
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text(re.compile(r"Weekly metrics come from the facts folder .*Store policy")).wait_for()
        for tile in ("Orders", "Cases", "Ship the order (P1)"):
            assert main_area.locator('[data-testid="stMetric"]').filter(has_text=tile).count() >= 1, tile
        assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 4
        no_exception_on_screen(page)
        page.wait_for_timeout(800)  # let the charts finish drawing before the picture
        full_screenshot(page, tmp_path / "facts_folder_metrics.png")
        assert (tmp_path / "facts_folder_metrics.png").stat().st_size > 50_000
    finally:
        stop_server(proc)
