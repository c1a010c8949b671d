"""Weekly metrics page (AppTest): renders on the sample, and its figures are the data layer's."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

import data
from data.metrics_view import breached_items_csv
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
    """Complete = over and the data reaches past it; the sample (pinned to end on Thursday
    2026-11-26) stops inside W48, so W47 is the default even when W48 is long over."""
    assert not at.error, [e.value for e in at.error]
    week = at.selectbox(key="wm_week").value
    today = dt.datetime.now(ZONE).date()
    last_calendar_week = today - dt.timedelta(days=today.weekday() + 7)
    assert week <= last_calendar_week
    weeks = weekly_report(con, default_policy()).weeks
    complete = [pd.Timestamp(w).date() for w in weeks.loc[weeks["complete"], "week"]]
    assert week == max(complete) == dt.date(2026, 11, 16)
    assert not any("incomplete" in w.value for w in at.warning)
    at.selectbox(key="wm_week").set_value(dt.date(2026, 11, 23)).run()
    assert any("2026-W48 is incomplete" in w.value for w in at.warning)
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
    # every stage's counts are on screen, not only in a tooltip
    counts = [c.value for c in at.caption if " met · " in c.value]
    assert len(counts) == len(STAGE_LABELS)
    assert f"{int(row.met):,} met · {int(row.breached):,} breached · {int(row.pending):,} pending" in counts
    # the customer's own step is shown apart, after the store's deadlines
    texts = [m.value for m in at.markdown]
    assert any(t.startswith("**The store's deadlines**") for t in texts)
    assert any(t.startswith("**The customer's side**") for t in texts)


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


BREACH_TABS = "wm_breach_tabs"


def _open_tab(app, name: str):
    """Open the breaches tab whose label starts with ``name`` (its label carries a count), as a
    click would: AppTest cannot click a tab, so its state is set by its key."""
    app.session_state[BREACH_TABS] = next(t.label for t in app.tabs if t.label.startswith(name))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _week_breaches(con, week: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The week's breached case deadlines and late orders, from every item filtered here."""
    items = stage_status(con, default_policy(), AS_OF)
    breached = items[(pd.to_datetime(items["week"]).dt.date == week) & (items["status"] == "breached")]
    return breached[breached["stage"] != "processing"], breached[breached["stage"] == "processing"]


def _drawn_tables(app) -> set[str]:
    """Which of the breaches' tables are drawn: "why" (the breakdown, a static table), and the
    data grids by their keys (AppTest has no key for a dataframe: each is told by its columns)."""
    drawn = {"why"} if _why_markdown(app) is not None else set()
    for columns in (set(d.value.columns) for d in app.dataframe):
        if {"open", "due", "late_by_hours"} <= columns:
            drawn.add("wm_breaches")
        elif {"order_id", "due", "late_by_hours"} <= columns:
            drawn.add("wm_late_orders")
    return drawn


def test_breaches_link_to_the_case_lookup(at, con):
    _at_june(at)
    cases, orders = _week_breaches(con, WEEK)
    assert len(cases) > 0 and len(orders) > 0
    caption = next(c.value for c in at.caption if "item(s):" in c.value)
    assert caption.startswith(f"{len(cases) + len(orders):,} item(s): {len(cases):,} case deadline(s)")
    assert [t.label for t in at.tabs] == ["Where it breached", f"Breached cases ({len(cases):,})",
                                          f"Late orders ({len(orders):,})"]
    _open_tab(at, "Breached cases")
    box = at.selectbox(key="wm_breach_case")
    assert set(box.options) == set(cases["item_id"])
    link = next(p for p in at.get("page_link") if "Open case" in p.proto.label)
    assert link.proto.page.endswith("case_lookup") or "case_lookup" in link.proto.page
    assert link.proto.query_string == f"case={box.value}&as_of={AS_OF_DAY}"  # the case as it stood then
    frames = [d.value for d in at.dataframe]
    breaches = next(f for f in frames if "open" in f.columns)
    assert set(breaches["open"]) == {f"case_lookup?case={c}&as_of={AS_OF_DAY}" for c in cases["item_id"]}
    _open_tab(at, "Late orders")
    frames = [d.value for d in at.dataframe]
    late_orders = next(f for f in frames if "order_id" in f.columns and "open" not in f.columns and "stage" in f.columns)
    assert set(late_orders["order_id"]) == set(orders["item_id"])


@pytest.mark.parametrize(("tab", "drawn"), [
    ("Breached cases", {"wm_breaches"}),
    ("Late orders", {"wm_late_orders"}),
    ("Where it breached", {"why"}),
], ids=["breached-cases", "late-orders", "back-to-where"])
def test_only_the_open_breaches_tab_is_built(at, tab, drawn):
    """The first view draws the breakdown alone, as a Markdown table: no data grid at all; another
    tab's grid is built when that tab is opened, and the one left is no longer drawn."""
    _at_june(at)
    assert at.session_state[BREACH_TABS] == "Where it breached"
    assert _drawn_tables(at) == {"why"} and not at.dataframe
    assert not [b for b in at.selectbox if b.key == "wm_breach_case"]  # the case picker too
    if tab == "Where it breached":
        _open_tab(at, "Late orders")
    assert _drawn_tables(_open_tab(at, tab)) == drawn


def test_the_open_breaches_tab_stays_open_for_another_week(at, con):
    """Its label carries a count that changes with the week; the tab chosen stays the one open."""
    _at_june(at)
    _open_tab(at, "Breached cases")
    other = WEEK - dt.timedelta(weeks=1)
    cases, _ = _week_breaches(con, other)
    assert 0 < len(cases) != len(_week_breaches(con, WEEK)[0])  # another count: another label
    at.selectbox(key="wm_week").set_value(other).run()
    assert at.session_state[BREACH_TABS] == f"Breached cases ({len(cases):,})"
    assert set(at.selectbox(key="wm_breach_case").options) == set(cases["item_id"])


def test_a_week_without_breaches_says_so_and_every_tab_too(at, con):
    _at_june(at)
    items = stage_status(con, default_policy(), AS_OF)
    items["week"] = pd.to_datetime(items["week"]).dt.date
    breached = items[items["week"] < WEEK].groupby(["week", "category"])["status"].agg(lambda s: (s == "breached").sum())
    week, category = breached[breached == 0].index[-1]  # the latest week and category with items, none breached
    at.selectbox(key="wm_week").set_value(week).run()
    at.selectbox(key="wm_category").set_value(category).run()
    assert [s.value for s in at.success] == ["No breached deadline this week."]
    assert [t.label for t in at.tabs] == ["Where it breached", "Breached cases (0)", "Late orders (0)"]
    assert _why(at)["Breached"].sum() == 0 and _why(at)["Items"].sum() > 0  # what did start, met or pending
    assert f"No case deadline breached in {iso_week(week)}." in [c.value for c in _open_tab(at, "Breached cases").caption]
    assert f"Every order of {iso_week(week)} shipped within the processing time (P1)." in [
        c.value for c in _open_tab(at, "Late orders").caption]
    assert _drawn_tables(at) == set()


def test_week_download_is_formula_safe_csv(at, con, downloads):
    _at_june(at)
    name = f"returns-desk-{iso_week(WEEK)}-all-categories-all-countries.csv"  # the file name says the filters
    assert name in downloads
    rows = list(csv.DictReader(io.StringIO(downloads[name].decode("utf-8-sig"))))
    assert len(rows) == 1 and rows[0]["Week"] == iso_week(WEEK)
    rep = weekly_report(con, default_policy(), WEEK, WEEK + dt.timedelta(days=6), AS_OF)
    assert int(rows[0]["Orders"]) == int(rep.weeks["orders"].iloc[0])
    reply = rep.stages.set_index("stage").loc["reply"]
    assert float(rows[0]["Reply to the request (RP1) attainment %"]) == round(reply["attainment"] * 100, 1)  # readable, rounded
    assert all(len(v.split(".")[1]) <= 2 for v in rows[0].values() if v.replace(".", "").isdigit() and "." in v)
    # The breached items' CSV is built when the button is clicked (a callable: nothing to capture here).
    button = next(b for b in at.get("download_button") if b.proto.id.endswith("wm_dl_breaches"))
    assert not button.proto.disabled
    breaches = breached_items_csv(con, default_policy(), AS_OF, WEEK).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(breaches)))
    assert len(rows) == len(stage_status(con, default_policy(), AS_OF, week=WEEK, status="breached")) > 0
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


def _why_markdown(app) -> str | None:
    """The breakdown's Markdown table (drawn with st.markdown: its header has Breached and
    Attainment), or None when it is not drawn."""
    return next((m.value for m in app.markdown if m.value.startswith("| ") and "| Attainment |" in m.value), None)


def _why(app) -> pd.DataFrame:
    """The breakdown as a frame: its Markdown table read back (escapes undone, counts as numbers)."""
    lines = _why_markdown(app).split("\n")

    def cells(line: str) -> list[str]:
        return [re.sub(r"\\(.)", r"\1", c.strip()) for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]

    table = pd.DataFrame([cells(line) for line in lines[2:]], columns=cells(lines[0]))
    for column in ("Items", "Met", "Breached", "Pending"):
        table[column] = table[column].str.replace(",", "").astype(int)
    return table


def test_the_why_opens_on_the_worst_stage_by_agent(at, con):
    _at_june(at)
    report = weekly_report(con, default_policy(), WEEK, WEEK + dt.timedelta(days=6), AS_OF).stages
    from data.sla import MERCHANT_STAGES

    store = report[report["stage"].isin(MERCHANT_STAGES)].sort_values(["attainment", "breached"],
                                                                      ascending=[True, False])
    assert at.selectbox(key=f"wm_why_stage_{iso_week(WEEK)}").value == store["stage"].iloc[0]
    table = _why(at)
    worst = store.iloc[0]
    assert table["Breached"].sum() == worst["breached"] and table["Met"].sum() == worst["met"]
    assert list(table.columns[:1]) == ["Agent"] and table["Breached"].is_monotonic_decreasing
    at.segmented_control(key="wm_why_by").set_value("weekday").run()
    days = _why(at)["Weekday"]
    assert set(days) <= {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
    at.selectbox(key=f"wm_why_stage_{iso_week(WEEK)}").set_value("all").run()
    assert _why(at)["Items"].sum() == store[["met", "breached", "pending"]].sum().sum()


LINKS = {
    "week, category and country": ({"week": "2026-W23", "category": "electronics", "country": "DE"},
                                   dt.date(2026, 6, 1), "electronics", "DE", 0),
    "week only": ({"week": "2026-w23"}, dt.date(2026, 6, 1), "All categories", "All countries", 0),
    "a week without data": ({"week": "2019-W01"}, dt.date(2026, 11, 16), "All categories", "All countries", 1),
    "not a week": ({"week": "last week"}, dt.date(2026, 11, 16), "All categories", "All countries", 1),
    "unknown category": ({"week": "2026-W23", "category": "<b>x</b>"}, dt.date(2026, 6, 1), "All categories",
                         "All countries", 1),
    "a period not offered": ({"week": "2026-W23", "weeks": "5"}, dt.date(2026, 6, 1), "All categories",
                             "All countries", 1),
}


@pytest.mark.parametrize(("params", "week", "category", "country", "warnings"), LINKS.values(), ids=LINKS.keys())
def test_a_shared_link_opens_its_view(sample_db, tmp_path, monkeypatch, params, week, category, country, warnings):
    from tests.app_support import use_app_env

    use_app_env(sample_db, tmp_path, monkeypatch)
    app = app_test()
    app.query_params.update(params)
    app.run()  # Weekly metrics is the default page, as when the link is opened in a new tab
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="wm_week").value == week
    assert app.selectbox(key="wm_category").value == category
    assert app.selectbox(key="wm_country").value == country
    assert len([w for w in app.warning if "link" in w.value]) == warnings
    assert app.query_params["week"] == iso_week(week)  # the address bar keeps the view


def test_the_view_is_kept_in_the_address_bar(at):
    at.selectbox(key="wm_category").set_value("books").run()
    assert at.query_params["category"] == "books" and "country" not in at.query_params
    at.selectbox(key="wm_category").set_value("All categories").run()
    assert "category" not in at.query_params


AS_OF_LINKS = {"a past date": ("2026-06-10", dt.date(2026, 6, 10), dt.date(2026, 6, 1)),
               "not a date": ("10/06/2026", None, dt.date(2026, 11, 16))}


@pytest.mark.parametrize(("text", "day", "week"), AS_OF_LINKS.values(), ids=AS_OF_LINKS.keys())
def test_a_link_carries_the_as_of_date(sample_db, tmp_path, monkeypatch, text, day, week):
    from tests.app_support import use_app_env

    use_app_env(sample_db, tmp_path, monkeypatch)
    app = app_test()
    app.query_params["as_of"] = text
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    today = dt.datetime.now(ZONE).date()
    assert app.sidebar.date_input(key="ui_as_of_date").value == (day or today)
    assert app.selectbox(key="wm_week").value == week
    assert app.query_params.get("as_of") == (text if day else None)


@pytest.mark.parametrize("weeks", [pytest.param(4, id="4-weeks"), pytest.param(12, id="12-weeks-beyond-the-trend")])
def test_tiles_compare_the_period_with_the_previous_one_and_the_link_keeps_it(sample_db, tmp_path, monkeypatch, con,
                                                                            weeks):
    from tests.app_support import use_app_env

    use_app_env(sample_db, tmp_path, monkeypatch)
    app = app_test()
    app.query_params.update({"week": "2026-W23", "weeks": str(weeks), "as_of": "2026-06-10"})
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.segmented_control(key="wm_weeks").value == weeks and app.query_params["weeks"] == str(weeks)
    first = WEEK - dt.timedelta(weeks=2 * weeks - 1)
    rep = weekly_report(con, default_policy(), first, WEEK + dt.timedelta(days=6), AS_OF)
    days = pd.to_datetime(rep.weeks["week"]).dt.date
    now = rep.weeks[days > WEEK - dt.timedelta(weeks=weeks)]
    before = rep.weeks[days <= WEEK - dt.timedelta(weeks=weeks)]
    assert metric(app, "Orders").value == f"{int(now.orders.sum()):,}"
    diff = int(now.orders.sum() - before.orders.sum())
    assert metric(app, "Orders").delta == (f"{diff:+,}" if diff else None)
    stages = rep.stages.assign(day=pd.to_datetime(rep.stages["week"]).dt.date)
    reply = stages[(stages["stage"] == "reply") & (stages["day"] > WEEK - dt.timedelta(weeks=weeks))]
    pooled = reply.met.sum() / (reply.met.sum() + reply.breached.sum())
    assert metric(app, STAGE_LABELS["reply"]).value == f"{pooled:.1%}"  # pooled over the period, not averaged
    app.segmented_control(key="wm_weeks").set_value(1).run()
    assert "weeks" not in app.query_params


def test_a_week_without_change_shows_no_delta(at):
    """A "+0" is no change: no arrow (the page leaves the delta out). A category with few orders
    has stages whose attainment did not move; every tile's delta is None or non-zero."""
    _at_june(at)
    at.selectbox(key="wm_category").set_value("electronics").run()
    import re

    deltas = [m.delta for m in at.metric]
    assert not [d for d in deltas if d is not None and re.fullmatch(r"[+-]0(\.0+)?( pts)?", d)], deltas


def test_breached_table_late_by_working_hours_one_case_column_no_none(at, con):
    _open_tab(_at_june(at), "Breached cases")
    frames = [d.value for d in at.dataframe]
    breaches = next(f for f in frames if "open" in f.columns)
    assert "case_id" not in breaches.columns and "item_id" not in breaches.columns  # one case column: the link
    items = stage_status(con, default_policy(), AS_OF, week=WEEK, status="breached")
    from data.metrics_view import late_by_working_hours

    expected = late_by_working_hours(items["due"], items["done"], AS_OF, default_policy())
    assert sorted(breaches["late_by_hours"]) == sorted(expected[items["stage"] != "processing"])
    assert not (breaches.astype(str) == "None").any().any()


def test_trend_axis_runs_in_calendar_order_with_a_filter(at):
    _at_june(at)
    at.selectbox(key="wm_category").set_value("electronics").run()
    import json

    charts = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    trend = next(c for c in charts if "SLA attainment" in str(c.get("title", "")))
    order = trend["layer"][0]["encoding"]["x"]["sort"]
    assert order == sorted(order, key=lambda w: (int(w[:4]), int(w.split("W")[1]))) and len(order) > 1
