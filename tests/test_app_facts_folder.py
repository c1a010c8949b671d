"""Weekly metrics under ``RETURNS_DESK_FACTS`` (AppTest): the figures are the facts folder's,
not the database's; the sidebar and the page say where they come from and under which policy;
another policy in the sidebar is a warning, an unreadable folder an error on the page."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from data.duckdb_facts import write_facts
from data.facts_files import open_folder, reader
from data.report import weekly_report
from policy import default_policy
from tests.app_support import metric, open_page

PAGE = "pages/weekly_metrics.py"
ZONE = ZoneInfo("Asia/Shanghai")
AS_OF_DAY = dt.date(2026, 6, 10)
AS_OF = dt.datetime(2026, 6, 10, 23, 59, tzinfo=ZONE)
WEEK = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def folder(sample_db, tmp_path_factory):
    """Facts of the sample's orders outside Germany (and their cases): other figures than the
    database's, so the page shows which it reads."""
    work = tmp_path_factory.mktemp("facts-app")
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        orders = con.sql("SELECT * FROM orders").to_arrow_table()
        cases = con.sql("SELECT * FROM cases").to_arrow_table()
    finally:
        con.close()
    kept = orders.filter(pc.not_equal(orders.column("country"), "DE"))
    pq.write_table(kept, work / "orders.parquet")
    pq.write_table(cases.filter(pc.is_in(cases.column("order_id"), kept.column("order_id"))), work / "cases.parquet")
    write_facts(work / "orders.parquet", work / "cases.parquet", default_policy(), work / "facts")
    return work / "facts"


def plain(text: str) -> str:
    """Text shown through ``ui.display.md`` without its escapes."""
    return text.replace("\\", "")


def _folder_week(folder) -> pd.Series:
    rep = weekly_report(reader(open_folder(folder)), None, WEEK - dt.timedelta(weeks=11), WEEK + dt.timedelta(days=6),
                        AS_OF)
    return rep.weeks.assign(week=pd.to_datetime(rep.weeks["week"]).dt.date).set_index("week").loc[WEEK]


@pytest.fixture()
def at(sample_db, folder, tmp_path, monkeypatch):
    monkeypatch.setenv("RETURNS_DESK_FACTS", str(folder))
    app = open_page(PAGE, sample_db, tmp_path, monkeypatch)
    app.sidebar.date_input(key="ui_as_of_date").set_value(AS_OF_DAY).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_weekly_metrics_show_the_facts_folders_figures(at, folder, con):
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="wm_week").value == WEEK
    this = _folder_week(folder)
    db = weekly_report(con, default_policy(), WEEK, WEEK + dt.timedelta(days=6), AS_OF).weeks.iloc[0]
    assert int(this.orders) < int(db.orders)  # the folder's data is not the database's
    assert metric(at, "Orders").value == f"{int(this.orders):,}"
    assert metric(at, "Cases").value == f"{int(this.cases):,}"
    assert "DE" not in at.selectbox(key="wm_country").options  # the filters are the folder's too
    note = next(plain(i.value) for i in at.info if "facts folder" in i.value)
    assert f"facts folder {folder}," in note and "duckdb engine" in note and "'Store policy'" in note
    sidebar = plain(" ".join(c.value for c in at.sidebar.caption))
    assert f"Weekly metrics come from the facts folder {folder}" in sidebar and "duckdb engine" in sidebar
    assert not at.warning or not any("another one" in w.value for w in at.warning)


def test_another_policy_in_the_sidebar_is_said_and_the_figures_stay_the_folders(at, folder, tmp_path):
    (tmp_path / "policies").mkdir(exist_ok=True)
    (tmp_path / "policies" / "long.toml").write_text('name = "Long window"\n[returns]\nwindow_days = 45\n')
    at.run()
    at.sidebar.selectbox(key="ui_policy_version").set_value("Long window (long.toml)").run()
    assert not at.exception, [e.value for e in at.exception]
    warning = next(plain(w.value) for w in at.warning if "another one" in w.value)
    assert "Long window" in warning and "Store policy" in warning and "What-if lab" in warning
    assert metric(at, "Orders").value == f"{int(_folder_week(folder).orders):,}"


def test_an_unreadable_folder_is_an_error_on_the_page(sample_db, tmp_path, monkeypatch):
    empty = tmp_path / "empty-facts"
    empty.mkdir()
    monkeypatch.setenv("RETURNS_DESK_FACTS", str(empty))
    at = open_page(PAGE, sample_db, tmp_path, monkeypatch)
    error = plain(" ".join(e.value for e in at.error))
    assert f"{empty} is empty" in error and "RETURNS_DESK_FACTS" in error
    assert not at.metric
    assert any("cannot be read" in c.value for c in at.sidebar.caption)
