"""Weekly metrics (managers): one ISO week's orders, cases, SLA attainment, refunds and freight,
each against the week before; twelve weeks of trends; the week's breached items.

Layout only: every figure comes from ``data.report`` (weekly_report, stage_status), cached by
plain arguments (database + data version, policy, as-of, week, filters).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

from data import DataError
from data.decisions import decisions
from data.export import to_safe_csv
from data.metrics_view import (
    PERIODS,
    breached_items_csv,
    change,
    csv_file_name,
    late_by_working_hours,
    opening_week,
    period_totals,
    period_weeks,
    picked_point,
    previous_period,
    readable_week_csv,
    week_order,
)
from data.report import (
    BREAKDOWNS,
    attainment_by,
    breached_page,
    iso_week,
    report_week_list,
    stage_status,
    week_monday,
    weekly_report,
)
from data.sla import CUSTOMER_STAGES, MERCHANT_STAGES
from policy import Policy
from ui import context as ctx
from ui import display as ui
from ui import weekly_charts as charts
from ui.tabs import lazy_tabs

WEEKS_SHOWN = 12
HASH = {Policy: hash}


# --------------------------------------------------------------------------- cached queries
@st.cache_data(max_entries=32, show_spinner="Computing the weekly report...", hash_funcs=HASH)
def _report(_con, data_token: str, policy: Policy, date_from: dt.date, date_to: dt.date,
            as_of: dt.datetime, category: str | None, country: str | None):
    rep = weekly_report(_con, policy, date_from, date_to, as_of, category, country)
    return rep.weeks, rep.stages, rep.case_mix, rep.return_rate, rep.to_csv_frame()


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=HASH)
def _all_weeks(_con, data_token: str, policy: Policy, as_of: dt.datetime) -> pd.DataFrame:
    """Every week with orders or cases (for the week picker), and whether it is complete (over,
    and the data reaches its end): a query over the weeks, not a report of all history."""
    return report_week_list(_con, policy, as_of)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=HASH)
def _filter_values(_con, data_token: str, policy: Policy) -> tuple[list[str], list[str]]:
    """Categories and countries that have orders (from the decided order volumes)."""
    counts = decisions(_con, policy).order_counts
    return tuple(sorted(v for v in pc.unique(counts.column(name)).to_pylist() if v is not None)
                 for name in ("category", "country"))


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=HASH)
def _totals(_con, data_token: str, policy: Policy, as_of: dt.datetime, week: dt.date, period: int,
            category: str | None, country: str | None) -> tuple[dict, dict]:
    """The tiles' totals: the ``period`` weeks up to ``week`` and the same number before (from
    the trend's report when it reaches back that far)."""
    first_now, _ = period_weeks(week, period)
    first_before, last_before = previous_period(week, period)
    first = min(week - dt.timedelta(weeks=WEEKS_SHOWN - 1), first_before)
    weeks, stages, *_ = _report(_con, data_token, policy, first, week + dt.timedelta(days=6), as_of, category, country)
    return period_totals(weeks, stages, first_now, week), period_totals(weeks, stages, first_before, last_before)


BREACH_PAGE_ROWS = 100  # breached items per page of a table


@st.cache_data(max_entries=32, show_spinner="Finding the week's breaches...", hash_funcs=HASH)
def _breached_page(_con, data_token: str, policy: Policy, as_of: dt.datetime, week: dt.date, cases: bool,
                   category: str | None, country: str | None, offset: int) -> tuple[pd.DataFrame, int]:
    return breached_page(_con, policy, as_of, week, cases=cases, category=category, country=country,
                         offset=offset, limit=BREACH_PAGE_ROWS)


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=HASH)
def _breaches_csv(_con, data_token: str, policy: Policy, as_of: dt.datetime, week: dt.date,
                  category: str | None, country: str | None) -> bytes:
    """Every breached item of the week as a formula-safe CSV: built when the download is
    clicked (Streamlit calls ``data`` then), not on every first view."""
    return breached_items_csv(_con, policy, as_of, week, category, country) or b""


@st.cache_data(max_entries=16, show_spinner=False, hash_funcs=HASH)
def _week_csv(_con, data_token: str, policy: Policy, as_of: dt.datetime, week: dt.date,
              category: str | None, country: str | None) -> bytes:
    """The week's figures as the readable CSV (one row)."""
    csv_frame = _report(_con, data_token, policy, week - dt.timedelta(weeks=WEEKS_SHOWN - 1),
                        week + dt.timedelta(days=6), as_of, category, country)[4]
    return to_safe_csv(readable_week_csv(csv_frame[csv_frame["week"] == iso_week(week)], ui.stage_label))


@st.cache_data(max_entries=16, show_spinner="Listing the items...", hash_funcs=HASH)
def _stage_items(_con, data_token: str, policy: Policy, as_of: dt.datetime, week: dt.date, stage: str,
                 category: str | None, country: str | None) -> pd.DataFrame:
    return stage_status(_con, policy, as_of, stage=stage, week=week, category=category, country=country)


@st.cache_data(max_entries=32, show_spinner=False, hash_funcs=HASH)
def _breakdown(_con, data_token: str, policy: Policy, as_of: dt.datetime, week: dt.date, by: str,
               stages: tuple[str, ...], category: str | None, country: str | None) -> pd.DataFrame:
    return attainment_by(_con, policy, by, week, week + dt.timedelta(days=6), as_of, list(stages), category, country)


# --------------------------------------------------------------------------- helpers
def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _empty_chart(frame: pd.DataFrame, value: str) -> bool:
    """True when a chart would have nothing to draw (no rows, or no known value)."""
    return frame.empty or frame[value].isna().all()


def _pct(value) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:.1%}"


# --------------------------------------------------------------------------- page
st.title("Weekly metrics")
st.caption("SLA attainment, refunds and freight of one ISO week against the week before. "
           "A stage item belongs to the week of its starting event (orders by placing, cases by request).")

con = ctx.metrics_connection_or_stop()

policy = ctx.metrics_policy()
as_of = ctx.as_of().replace(second=0)  # to the minute: the cached figures are reused within a minute
token = ctx.metrics_version()
note = ctx.metrics_note()
if note is not None:
    (st.warning if note[0] == "warning" else st.info)(ui.md(note[1]), icon=":material/folder:")
currency = policy.money.currency
ctx.decide_with_progress(con, policy)

try:
    weeks_all = _all_weeks(con, token, policy, as_of)
except DataError as exc:
    ui.show_error(exc, "Fix the data on the Data page, or choose another database in the sidebar.")
    st.stop()
if weeks_all.empty:
    st.info("The database has no orders or cases yet. Import some on the Data page.")
    st.stop()
week_options = [pd.Timestamp(w).date() for w in weeks_all["week"]][::-1]
incomplete_weeks = {pd.Timestamp(w).date() for w in weeks_all.loc[~weeks_all["complete"], "week"]}
last_complete = _monday(as_of.date()) - dt.timedelta(days=7)
default_week = opening_week(weeks_all)
if default_week != last_complete:
    st.caption(f"The last calendar week ({iso_week(last_complete)}) has no data or the data stops in it; "
               f"showing the latest complete week with data, {iso_week(default_week)}.")

categories, countries = _filter_values(con, token, policy)
ALL_CATEGORIES, ALL_COUNTRIES = "All categories", "All countries"


def _apply_link() -> None:
    """A shared link (``?week=2026-W47&category=electronics&country=DE``) sets the filters the
    first time the page draws them; what the link asks for and the data lacks is said, not guessed."""
    url = st.query_params
    if "week" in url and "wm_week" not in st.session_state:
        try:
            wanted = week_monday(url["week"])
        except ValueError as exc:
            st.warning(f"The link's week is ignored: {ui.md(exc)}.", icon=":material/link_off:")
        else:
            if wanted in week_options:
                st.session_state["wm_week"] = wanted
            else:
                st.warning(f"The link's week {ui.md(url['week'])} has no orders or cases; showing "
                           f"{iso_week(default_week)}.", icon=":material/link_off:")
    if "weeks" in url and "wm_weeks" not in st.session_state:
        if url["weeks"] in {str(n) for n in PERIODS}:
            st.session_state["wm_weeks"] = int(url["weeks"])
        else:
            st.warning(f"The link's period of {ui.md(url['weeks'])} weeks is ignored: compare 1, 4 or 12 weeks.",
                       icon=":material/link_off:")
    for key, param, values in (("wm_category", "category", categories), ("wm_country", "country", countries)):
        if param in url and key not in st.session_state:
            if url[param] in values:
                st.session_state[key] = url[param]
            else:
                st.warning(f"The link's {param} {ui.md(url[param])} has no orders; showing all.",
                           icon=":material/link_off:")


_apply_link()
c1, c2, c3, c4 = st.columns([2, 2, 2, 1])
week = c1.selectbox("Week", week_options, index=week_options.index(default_week), key="wm_week",
                    format_func=lambda d: f"{iso_week(d)} ({d:%b %d} – {d + dt.timedelta(days=6):%b %d})"
                                          + (" · incomplete" if d in incomplete_weeks else ""))
category = c2.selectbox("Category", [ALL_CATEGORIES, *categories], key="wm_category")
country = c3.selectbox("Country", [ALL_COUNTRIES, *countries], key="wm_country")
target = c4.number_input("SLA target %", min_value=50.0, max_value=100.0, value=95.0, step=0.5, key="wm_target",
                         help="The attainment each stage should reach; drawn as a line on the trend chart.")
st.session_state.setdefault("wm_weeks", PERIODS[0])
period = st.segmented_control("Compare", PERIODS, key="wm_weeks",
                              format_func=lambda n: "the week" if n == 1 else f"{n} weeks",
                              help="The tiles show this many weeks up to the chosen week against the same number of "
                                   "weeks before.") or PERIODS[0]
category = None if category == ALL_CATEGORIES else category
country = None if country == ALL_COUNTRIES else country
# the view lives in the address bar: copy it to share it, bookmark it to keep it
st.query_params["week"] = iso_week(week)
if period == PERIODS[0]:
    st.query_params.pop("weeks", None)
else:
    st.query_params["weeks"] = str(period)
for param, value in (("category", category), ("country", country)):
    if value is None:
        st.query_params.pop(param, None)
    else:
        st.query_params[param] = value

first = week - dt.timedelta(weeks=WEEKS_SHOWN - 1)
try:
    weeks, stages, mix, rates, _ = _report(con, token, policy, first, week + dt.timedelta(days=6),
                                                   as_of, category, country)
except Exception as exc:  # noqa: BLE001 - a sentence on screen, the traceback in the log
    logging.getLogger("returns_desk.weekly_metrics").exception("weekly report failed")
    ui.show_error(exc if isinstance(exc, DataError) else f"The weekly report failed ({type(exc).__name__}).",
                  "Try another week or filter; if it keeps happening, tell the team that runs Returns Desk.")
    st.stop()
if week in incomplete_weeks:
    st.warning(f"{iso_week(week)} is incomplete: it is not over as of {as_of:%Y-%m-%d %H:%M}, or the data "
               f"stops before its end ({ctx.metrics_freshness_sentence()}). Items still open count as pending, "
               "and the figures will change as the data catches up.", icon=":material/hourglass_top:")
by_week = weeks.assign(week=pd.to_datetime(weeks["week"]).dt.date).set_index("week")
stages = stages.assign(week=pd.to_datetime(stages["week"]).dt.date)


first_now, _ = period_weeks(week, period)
first_before, last_before = previous_period(week, period)
now_totals, before_totals = _totals(con, token, policy, as_of, week, period, category, country)
span = iso_week(week) if period == 1 else f"{iso_week(first_now)} to {iso_week(week)}"
before_span = iso_week(first_before) if period == 1 else f"{iso_week(first_before)} to {iso_week(last_before)}"

st.subheader(f"{span} · {first_now:%a %Y-%m-%d} to {week + dt.timedelta(days=6):%a %Y-%m-%d}")
st.caption(f"Against the previous {'week' if period == 1 else f'{period} weeks'}, {before_span}.")
tiles = st.columns(4)
tiles[0].metric("Orders", f"{now_totals['orders']:,}", change(now_totals["orders"], before_totals["orders"]),
                border=True)
tiles[1].metric("Cases", f"{now_totals['cases']:,}", change(now_totals["cases"], before_totals["cases"]),
                delta_color="inverse", border=True)
tiles[2].metric(f"Refunds paid ({currency})", ui.money(now_totals["refunds_paid"], None),
                change(now_totals["refunds_paid"], before_totals["refunds_paid"], "money"), delta_color="off",
                border=True, help=f"{now_totals['refunds']} refund(s) paid by the as-of time for the period's cases.")
tiles[3].metric(f"Return freight ({currency})", ui.money(now_totals["merchant_freight"], None),
                change(now_totals["merchant_freight"], before_totals["merchant_freight"], "money"),
                delta_color="inverse", border=True,
                help="Return freight the store paid for the period's cases (the customer's share is not counted).")
TILES_PER_ROW = 3  # a stage label such as "Reimburse prepaid freight (F2)" fits a third of the width


def stage_tiles(names: list[str]) -> None:
    """One tile per stage (attainment against the previous period), its counts shown under it."""
    columns = [col for _ in range(0, len(names), TILES_PER_ROW) for col in st.columns(TILES_PER_ROW)]
    for col, stage in zip(columns, names, strict=False):
        now, before = now_totals["stages"][stage], before_totals["stages"][stage]
        counts = (f"{now['met']:,} met · {now['breached']:,} breached · {now['pending']:,} pending"
                  if now["met"] + now["breached"] + now["pending"] else "no items in the period")
        col.metric(ui.stage_label(stage), _pct(now["attainment"]),
                   change(now["attainment"], before["attainment"], "rate"), border=True)
        col.caption(counts)


st.markdown("**The store's deadlines**")
stage_tiles(MERCHANT_STAGES)
st.markdown("**The customer's side** · shown apart: the customer's own step, not the team's SLA")
stage_tiles(CUSTOMER_STAGES)
st.caption(f"As of {as_of:%Y-%m-%d %H:%M} ({ui.md(policy.calendar.timezone)}); policy: {ui.md(policy.name)}. "
           "Attainment = met / (met + breached); pending items are not counted yet.")

# --- charts ---------------------------------------------------------------------------------
# A fragment: clicking a point lists its items without running the rest of the page again.
@st.fragment
def trend_section(stages: pd.DataFrame, week: dt.date, target: float, category: str | None,
                  country: str | None) -> None:
    left, right = st.columns(2)
    trend = stages[stages["stage"].isin(MERCHANT_STAGES)].copy()
    trend["label"] = [iso_week(w) for w in trend["week"]]
    trend["stage_code"], trend["week_start"] = trend["stage"], trend["week"].astype(str)  # what a click opens
    trend["stage"] = trend["stage"].map(ui.STAGE_LABELS)
    trend = trend.sort_values("week")
    clicked = None
    if _empty_chart(trend, "attainment"):
        left.caption(f"SLA attainment per stage: no deadline met or breached in the {WEEKS_SHOWN} weeks to "
                     f"{iso_week(week)}.")
    else:
        data, spec = charts.attainment_trend(trend, week_order(trend["label"]), target,
                                             f"SLA attainment per stage, {WEEKS_SHOWN} weeks")
        event = left.vega_lite_chart(data, spec, key="wm_trend", on_select="rerun", selection_mode=charts.PICK)
        clicked = picked_point(event.selection.get(charts.PICK))
        left.caption("Click a point to list that stage's items of that week below.")

    dur = stages[stages["week"] == week][["stage", "p50_hours", "p90_hours"]].copy()
    dur["stage"] = dur["stage"].map(ui.STAGE_LABELS)
    dur = dur.melt(id_vars="stage", var_name="percentile", value_name="hours")
    dur["percentile"] = dur["percentile"].map({"p50_hours": "p50", "p90_hours": "p90"})
    if _empty_chart(dur, "hours"):
        right.caption(f"Working hours to done: nothing was done in {iso_week(week)}.")
    else:
        right.vega_lite_chart(*charts.grouped_bars(dur, "stage", "hours", "percentile",
                                                   f"Working hours to done, {iso_week(week)} (p50 / p90)", "hours"),
                              key="wm_durations")

    # --- the items behind a clicked point ---------------------------------------------------------
    if clicked is not None:
        picked_stage, picked_week = clicked
        items = _stage_items(con, token, policy, as_of, picked_week, picked_stage, category, country)
        counts = items["status"].value_counts()
        st.subheader(f"{ui.stage_label(picked_stage)} in {iso_week(picked_week)}")
        st.caption(f"{counts.get('breached', 0):,} breached · {counts.get('met', 0):,} met · "
                   f"{counts.get('pending', 0):,} pending; breached first. Double-click the chart to clear the selection.")
        shown = items.assign(status=pd.Categorical(items["status"], ["breached", "pending", "met"]))
        shown = shown.sort_values(["status", "due"]).reset_index(drop=True)
        if picked_stage != "processing":  # one case column: the link
            shown.insert(0, "open", ui.case_urls(shown["item_id"]))
            shown = shown.drop(columns="item_id")
        shown["done"] = [ui.when(v) if pd.notna(v) else "—" for v in shown["done"]]
        st.dataframe(shown[[c for c in ("open", "item_id", "status", "due", "done", "category", "country")
                            if c in shown.columns]],
                     hide_index=True, key="wm_trend_items", height=min(38 + 35 * len(shown), 420), column_config={
                         "open": st.column_config.LinkColumn("Case", display_text=r"case_lookup\?case=([^&]*)"),
                         "item_id": st.column_config.TextColumn("Order" if picked_stage == "processing" else "Case id"),
                         "status": st.column_config.TextColumn("Status"),
                         "due": st.column_config.DatetimeColumn("Due", format="YYYY-MM-DD HH:mm"),
                         "done": st.column_config.TextColumn("Done"),
                         "category": st.column_config.TextColumn("Category"),
                         "country": st.column_config.TextColumn("Country")})


trend_section(stages, week, target, category, country)

left, right = st.columns(2)
week_mix = mix[pd.to_datetime(mix["week"]).dt.date == week].copy()
for column, dimension, label_of, title in ((left, "outcome", ui.outcome_label, "Cases by outcome"),
                                           (right, "reason", ui.reason_label, "Cases by reason")):
    part = week_mix[week_mix["dimension"] == dimension].copy()
    part["label"] = [label_of(v) if v != "none" else "No reason (cancel / status)" for v in part["value"]]
    if _empty_chart(part, "cases"):
        column.caption(f"{title}: no case in {iso_week(week)}.")
        continue
    column.vega_lite_chart(*charts.horizontal_bars(part.sort_values("cases"), "cases", "label",
                                                   f"{title}, {iso_week(week)}"), key=f"wm_mix_{dimension}")

left, right = st.columns(2)
money_weeks = weeks.assign(label=weeks["week_label"]).sort_values("week")
if not (money_weeks["refunds_full"].fillna(0) + money_weeks["refunds_partial"].fillna(0)).any():
    left.caption(f"Refunds paid: none in the {WEEKS_SHOWN} weeks to {iso_week(week)}.")
else:
    left.vega_lite_chart(*charts.stacked_bars(money_weeks, "label", {"full": "refunds_full", "partial": "refunds_partial"},
                                              f"Refunds paid, full vs partial ({currency})",
                                              week_order(money_weeks["label"])), key="wm_refunds")
if _empty_chart(rates, "return_rate"):
    right.caption(f"Return rate by category: no orders in the {WEEKS_SHOWN} weeks to {iso_week(week)}.")
else:
    right.vega_lite_chart(*charts.rate_bars(rates, "category", "return_rate", ["orders", "returns"],
                                            f"Return rate by category, {WEEKS_SHOWN} weeks to {iso_week(week)}",
                                            "returns / orders"), key="wm_return_rate")

# --- the week's breaches, in tabs: where (who, what, when), which cases, which orders -------
BY_LABELS = {"agent": "Agent", "category": "Category", "reason": "Reason", "weekday": "Weekday"}
NO_VALUE = {"agent": "No agent (orders before any case)", "reason": "No reason (orders, cancellations, status)",
            "category": "No category", "weekday": "—"}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WHY_HEADERS = {"items": "Items", "met": "Met", "breached": "Breached", "pending": "Pending",
               "attainment": "Attainment"}
WHY_ROWS_SHOWN = 15


def why_tab(stages: pd.DataFrame, week: dt.date, category: str | None, country: str | None) -> None:
    """The week's items of a stage (the worst one first) broken down by agent, category, reason or weekday."""
    week_stages = stages[(stages["week"] == week) & stages["stage"].isin(MERCHANT_STAGES)]
    worst = week_stages.sort_values(["attainment", "breached"], ascending=[True, False], na_position="last")
    worst_stage = worst["stage"].iloc[0] if not worst.empty and worst["breached"].iloc[0] > 0 else None
    stage_options = ["all", *MERCHANT_STAGES]
    w1, w2 = st.columns([2, 3])
    stage_pick = w1.selectbox("Stage", stage_options, index=stage_options.index(worst_stage or "all"),
                              key=f"wm_why_stage_{iso_week(week)}",  # each week opens on its own worst stage
                              format_func=lambda s: "All the store's stages" if s == "all" else ui.stage_label(s),
                              help="Opens on the week's worst stage (lowest attainment).")
    by = w2.segmented_control("Break down by", BREAKDOWNS, default="agent", key="wm_why_by",
                              format_func=BY_LABELS.get) or "agent"
    picked = tuple(MERCHANT_STAGES) if stage_pick == "all" else (stage_pick,)
    why = _breakdown(con, token, policy, as_of, week, by, picked, category, country).copy()
    if why.empty:
        st.caption("No items of this stage started in the week.")
    else:
        if by == "weekday":
            why["value"] = [WEEKDAYS[int(v) - 1] if pd.notna(v) else NO_VALUE[by] for v in why["value"]]
        elif by == "reason":
            why["value"] = [ui.reason_label(v) if v is not None and pd.notna(v) else NO_VALUE[by] for v in why["value"]]
        else:
            why["value"] = [str(v) if v is not None and pd.notna(v) else NO_VALUE[by] for v in why["value"]]  # cells are text
        st.caption(f"{int(why['breached'].sum()):,} breached of {int(why['items'].sum()):,} item(s); most breaches "
                   "first.")
        # A Markdown table, not a data grid or a table element: a row per agent, category, reason
        # or weekday, already in the order a manager reads it, drawn with the page's text, so
        # the first view loads neither's code (bench/bench_pages.py); below the target in red.
        shown = pd.DataFrame({
            BY_LABELS[by]: why["value"],
            **{WHY_HEADERS[c]: [f"{int(v):,}" for v in why[c]] for c in ("items", "met", "breached", "pending")},
            WHY_HEADERS["attainment"]: [_attainment_cell(v, target) for v in why["attainment"]],
        })
        box = st.container(height=560) if len(shown) > WHY_ROWS_SHOWN else st.container()  # longer: it scrolls
        box.markdown(ui.markdown_table(shown, right=tuple(WHY_HEADERS.values()),
                                       markdown=(WHY_HEADERS["attainment"],)))


def _attainment_cell(value, target: float) -> str:
    """An attainment as Markdown: "—" when nothing was decided yet, red below the SLA target."""
    if value is None or pd.isna(value):
        return "—"
    text = ui.md(f"{value:.1%}")
    return f":red[{text}]" if value * 100 < target else text


# --- breached items ---------------------------------------------------------------------------
BREACH_COLUMNS = {
    "due": st.column_config.DatetimeColumn("Due", format="YYYY-MM-DD HH:mm"),
    "done": st.column_config.TextColumn("Done"),
    "stage": st.column_config.TextColumn("Stage"), "category": st.column_config.TextColumn("Category"),
    "country": st.column_config.TextColumn("Country"), "order_id": st.column_config.TextColumn("Order"),
    "day": st.column_config.DateColumn("Started", format="YYYY-MM-DD"),
    "hours": st.column_config.TextColumn("Working hours to done"),
    "late_by_hours": st.column_config.NumberColumn("Late by (working hours)", format="%.1f",
                                                   help="Working hours on the policy's calendar from the due "
                                                        "time to done (or to the as-of time if not done)."),
}


def _breach_page_table(week: dt.date, cases: bool, total: int, category: str | None,
                       country: str | None) -> pd.DataFrame:
    """The page of breached items the user is on (a page picker when there is more than one)."""
    pages = -(-total // BREACH_PAGE_ROWS)
    page = 1
    if pages > 1:
        page = st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1,
                               key=f"wm_breach_page_{'cases' if cases else 'orders'}_{iso_week(week)}")
    first = (page - 1) * BREACH_PAGE_ROWS
    rows, _ = _breached_page(con, token, policy, as_of, week, cases, category, country, first)
    if pages > 1:
        st.caption(f"Rows {first + 1:,}–{first + len(rows):,} of {total:,}, most late first.")
    table = rows.copy()
    table["late_by_hours"] = late_by_working_hours(table["due"], table["done"], as_of, policy)
    for col in table.columns:  # empty text cells read as blank, not "None"
        if table[col].dtype == object or pd.api.types.is_string_dtype(table[col]):
            table[col] = table[col].fillna("—")
    # not done yet: an em dash, not "None" (as text, which sorts as the values read)
    table["done"] = [ui.when(v).split(" ", 1)[1] if pd.notna(v) else "—" for v in table["done"]]
    table["hours"] = [f"{v:.1f}" if pd.notna(v) else "—" for v in table["hours"]]
    table["stage"] = table["stage"].map(ui.STAGE_LABELS)
    # Pages are cut by the time from due to done (SQL knows it); within a page, by working hours.
    return table.sort_values("late_by_hours", ascending=False, kind="stable", ignore_index=True)


def breached_cases_tab(week: dt.date, total: int, category: str | None, country: str | None) -> None:
    """The week's breached case deadlines, a page at a time, each opening its case."""
    if not total:
        st.caption(f"No case deadline breached in {iso_week(week)}.")
        return
    st.caption("Open a case from the first column, or pick it below.")
    cases_part = _breach_page_table(week, True, total, category, country)
    cases_part.insert(0, "open", ui.case_urls(cases_part["item_id"]))
    st.dataframe(cases_part.drop(columns="item_id"), hide_index=True, key="wm_breaches",
                 column_config={**BREACH_COLUMNS, "open": st.column_config.LinkColumn(
                     "Case", display_text=r"case_lookup\?case=([^&]*)", help="Opens the case on the Case lookup page")})
    pick, go_to = st.columns([3, 2], vertical_alignment="bottom")
    chosen = pick.selectbox("Breached case", list(cases_part["item_id"]), key="wm_breach_case")
    with go_to:
        ui.case_link(chosen)


def late_orders_tab(week: dt.date, total: int, category: str | None, country: str | None) -> None:
    """The week's orders not shipped within the processing time (P1), a page at a time."""
    if not total:
        st.caption(f"Every order of {iso_week(week)} shipped within the processing time (P1).")
        return
    st.caption("Orders not shipped within the processing time (P1), shipped late or not yet.")
    orders_part = _breach_page_table(week, False, total, category, country)
    st.dataframe(orders_part.rename(columns={"item_id": "order_id"}), hide_index=True, key="wm_late_orders",
                 column_config=BREACH_COLUMNS)


@st.fragment
def breaches_section(stages: pd.DataFrame, week: dt.date, category: str | None, country: str | None) -> None:
    """Where the week breached, its breached cases and its late orders, in tabs built when opened
    (the first view draws the breakdown, a Markdown table, and no data grid); its own fragment, so choosing a tab, a stage, a
    breakdown or a page reruns this section only. The lists are paged in SQL (a 10M-order week has
    thousands); their totals are the first page's."""
    st.subheader(f"Breached in {iso_week(week)}")
    cases_total = _breached_page(con, token, policy, as_of, week, True, category, country, 0)[1]
    orders_total = _breached_page(con, token, policy, as_of, week, False, category, country, 0)[1]
    if cases_total + orders_total:
        st.caption(f"{cases_total + orders_total:,} item(s): {cases_total:,} case deadline(s), "
                   f"{orders_total:,} order(s) shipped late or not yet; most late first.")
    else:
        st.success("No breached deadline this week.", icon=":material/check_circle:")
    why, cases, orders = lazy_tabs(["Where it breached", f"Breached cases ({cases_total:,})",
                                    f"Late orders ({orders_total:,})"], key="wm_breach_tabs")
    if why.open:
        with why:
            why_tab(stages, week, category, country)
    if cases.open:
        with cases:
            breached_cases_tab(week, cases_total, category, country)
    if orders.open:
        with orders:
            late_orders_tab(week, orders_total, category, country)


breaches_section(stages, week, category, country)

# --- download: in a popover, whose buttons the browser builds only when it is opened ---------------
with st.popover("Download CSV", icon=":material/download:"):
    st.download_button("The week's figures", _week_csv(con, token, policy, as_of, week, category, country),
                       key="wm_dl_week", file_name=csv_file_name(week, 1, category, country), mime="text/csv",
                       icon=":material/download:", width="stretch")
    breaches = sum(_breached_page(con, token, policy, as_of, week, cases, category, country, 0)[1]
                   for cases in (True, False))
    st.download_button("The week's breached items",
                       functools.partial(_breaches_csv, con, token, policy, as_of, week, category, country),
                       key="wm_dl_breaches", file_name=csv_file_name(week, 1, category, country, "breaches"),
                       mime="text/csv", icon=":material/download:", disabled=not breaches, width="stretch",
                       help=None if breaches else "No deadline breached this week.")
