"""Weekly metrics page (AppTest): renders on the sample, and its figures are the data layer's."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

import data
from data.report import iso_week, stage_status, weekly_report
from policy import default_policy
from tests.app_support import app_test, metric, open_page, patch_pages_dir_quirk
from ui.display import STAGE_LABELS

PAGE = "pages/weekly_metrics.py"
ZONE = ZoneInfo("Asia/Shanghai")
AS_OF_DAY = dt.date(2026, 6, 10)  # a Wednesday: the last complete week is 2026-06-01 .. 06-07
AS_OF = dt.datetime(2026, 6, 10, 23, 59, tzinfo=ZONE)  # the page's as-of, to the minute
WEEK = dt.date(2026, 6, 1)


@pytest.fixture()
def at(sample_db, tmp_path, monkeypatch):
    return open_page(PAGE, sample_db, tmp_path, monkeypatch)


def _at_june(app):
    app.sidebar.date_input(key="ui_as_of_date").set_value(AS_OF_DAY).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_first_load_shows_the_last_complete_week(at, con):
    assert not at.error, [e.value for e in at.error]
    week = at.selectbox(key="wm_week").value
    today = dt.datetime.now(ZONE).date()
    last_complete = today - dt.timedelta(days=today.weekday() + 7)
    assert week <= last_complete
    weeks = weekly_report(con, default_policy()).weeks
    with_data = [pd.Timestamp(w).date() for w in weeks["week"] if pd.Timestamp(w).date() <= last_complete]
    assert week == (last_complete if last_complete in with_data else max(with_data))
    assert len(at.metric) >= 4 + 7
    stage_tiles = {m.label for m in at.metric} & set(STAGE_LABELS.values())
    assert stage_tiles == set(STAGE_LABELS.values())  # one tile per catalog stage, however many
    assert any("Weekly" in t.value for t in at.title)


def test_tiles_are_the_weekly_report(at, con):
    _at_june(at)
    assert at.selectbox(key="wm_week").value == WEEK
    rep = weekly_report(con, default_policy(), WEEK - dt.timedelta(weeks=11), WEEK + dt.timedelta(days=6), AS_OF)
    weeks = rep.weeks.assign(week=pd.to_datetime(rep.weeks["week"]).dt.date).set_index("week")
    this, prev = weeks.loc[WEEK], weeks.loc[WEEK - dt.timedelta(days=7)]
    assert metric(at, "Orders").value == f"{int(this.orders):,}"
    assert metric(at, "Orders").delta == f"{int(this.orders - prev.orders):+,}"
    assert metric(at, "Cases").value == f"{int(this.cases):,}"
    refunds = this.refunds_full + this.refunds_partial + this.refunds_other
    assert metric(at, "Refunds paid (USD)").value == f"{refunds:,.2f}"
    assert metric(at, "Return freight (USD)").value == f"{this.merchant_freight:,.2f}"
    stages = rep.stages.assign(week=pd.to_datetime(rep.stages["week"]).dt.date)
    row = stages[(stages["week"] == WEEK) & (stages["stage"] == "processing")].iloc[0]
    before = stages[(stages["week"] == WEEK - dt.timedelta(days=7)) & (stages["stage"] == "processing")].iloc[0]
    tile = metric(at, "Ship the order (P1)")
    assert tile.value == f"{row.attainment:.1%}"
    assert tile.delta == f"{(row.attainment - before.attainment) * 100:+.1f} pts"
    assert iso_week(WEEK) in at.subheader[0].value


def test_filters_change_the_figures(at, con):
    _at_june(at)
    at.selectbox(key="wm_category").set_value("electronics").run()
    at.selectbox(key="wm_country").set_value("US").run()
    assert not at.exception
    rep = weekly_report(con, default_policy(), WEEK - dt.timedelta(weeks=11), WEEK + dt.timedelta(days=6), AS_OF,
                        category="electronics", country="US")
    weeks = rep.weeks.assign(week=pd.to_datetime(rep.weeks["week"]).dt.date).set_index("week")
    assert metric(at, "Orders").value == f"{int(weeks.at[WEEK, 'orders']):,}"
    assert metric(at, "Cases").value == f"{int(weeks.at[WEEK, 'cases']) if WEEK in weeks.index else 0:,}"


def test_breaches_link_to_the_case_lookup(at, con):
    _at_june(at)
    items = stage_status(con, default_policy(), AS_OF)  # every item, filtered here independently
    week_items = items[(pd.to_datetime(items["week"]).dt.date == WEEK) & (items["status"] == "breached")]
    cases = week_items[week_items["stage"] != "processing"]
    assert len(cases) > 0
    caption = next(c.value for c in at.caption if "item(s):" in c.value)
    assert caption.startswith(f"{len(week_items):,} item(s): {len(cases):,} case deadline(s)")
    box = at.selectbox(key="wm_breach_case")
    assert set(box.options) == set(cases["item_id"])
    link = next(p for p in at.get("page_link") if "Open case" in p.proto.label)
    assert link.proto.page.endswith("case_lookup") or "case_lookup" in link.proto.page
    assert link.proto.query_string == f"case={box.value}"
    frames = [d.value for d in at.dataframe]
    breaches = next(f for f in frames if "open" in f.columns)
    assert set(breaches["open"]) == {f"case_lookup?case={c}" for c in cases["item_id"]}
    late_orders = next(f for f in frames if "order_id" in f.columns and "open" not in f.columns and "stage" in f.columns)
    assert set(late_orders["order_id"]) == set(week_items.loc[week_items["stage"] == "processing", "item_id"])


def test_week_download_is_formula_safe_csv(at, con, downloads):
    _at_june(at)
    name = f"returns-desk-{iso_week(WEEK)}.csv"
    assert name in downloads
    rows = list(csv.DictReader(io.StringIO(downloads[name].decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["week"] == iso_week(WEEK)
    rep = weekly_report(con, default_policy(), WEEK, WEEK + dt.timedelta(days=6), AS_OF)
    assert int(rows[0]["orders"]) == int(rep.weeks["orders"].iloc[0])
    breaches = downloads[f"returns-desk-{iso_week(WEEK)}-breaches.csv"].decode("utf-8-sig")
    for line in breaches.splitlines()[1:]:
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "@")) and not (cell.startswith("-") and not cell[1:2].isdigit())


def test_an_empty_database_says_so(tmp_path, monkeypatch):
    import ui.context

    empty = tmp_path / "empty.duckdb"
    data.connect(empty, create_sample=False, quiet=True).close()
    patch_pages_dir_quirk(monkeypatch)
    monkeypatch.setenv("RETURNS_DESK_DB", str(empty))
    monkeypatch.setattr(ui.context, "POLICIES_DIR", tmp_path / "policies")
    app = app_test().run()
    app.switch_page(PAGE).run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("no orders or cases" in i.value for i in app.info)
