"""What-if lab (policy owners): change any parameter of the policy file, replay a period's
cases (and orders, for processing) under the baseline and the scenario, and see what changes.

Layout only: the replay and every figure come from ``data.whatif.compare``; validation from
``Policy.replace`` / ``parse_policy`` (their PolicyError sentence is what the user sees).
"""

from __future__ import annotations

import datetime as dt
import logging

import holidays
import pandas as pd
import streamlit as st

from access import Permission
from access.paths import slug_filename
from data import DataError
from data.policy_versions import StaleVersion, load_version, save_version
from data.whatif import WhatIfResult, compare
from policy import PolicyError, changed_keys, parse_policy
from policy.params import PARAMETERS, SECTION_INFO
from ui import access as ui_access
from ui import context as ctx
from ui import display as ui
from ui import whatif_view as view

log = logging.getLogger("returns_desk.what_if")
K = "wi:"  # prefix of the scenario inputs' session keys: "wi:returns.window_days"
RESULT = "wi_result"
LOADED = "wi_loaded_file"
BASELINE_KEY = "wi_baseline"
OWN_BASE = "wi_own_base"  # (the sidebar's version, the version this session last saved or rebased on)
STALE = "wi_stale_latest"  # the newer version someone else saved, after a refused save
PENDING_INPUTS = "wi_pending_inputs"  # values to put into the inputs before they are drawn
PERIOD_WEEKS = 26

PAUSE_ON = {
    "non_working_days": "Non-working days (default): the 48-hour clock stops on weekends that are not "
                        "make-up working days and on public holidays.",
    "public_holidays": "Public holidays only: weekends count as processing time; only public holidays stop the clock.",
    "nothing": "Nothing: 48 plain hours from placing the order, whatever the day.",
}
PAYERS = {"customer": "The customer (F1)", "merchant": "The store (F2)"}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SECTIONS = SECTION_INFO  # title and help of each section (default.toml's metadata)


# --------------------------------------------------------------------------- helpers
def _kind(key: str) -> str:
    return PARAMETERS[key].kind if key in PARAMETERS else "text"


def _set_inputs(values: dict) -> None:
    """Put a policy's flat values into the input widgets' session state (before they are drawn)."""
    for key, value in values.items():
        kind = _kind(key)
        if kind == "weekdays":
            value = [WEEKDAYS[d] for d in value]
        elif kind == "categories":
            value = ", ".join(value)
        elif kind in ("number", "rate"):
            value = float(value)
        st.session_state[K + key] = value


def _scenario_values() -> dict:
    return {key: _scenario_values_one(key, st.session_state.get(K + key)) for key in baseline_flat}


def _field(container, key: str) -> None:
    """One input for one key of the policy file, drawn from its metadata in default.toml (kind,
    label, unit, range), with the baseline value beside it (in its label)."""
    base = baseline_flat[key]
    param = PARAMETERS[key]
    shown = view.show_value(key, base)
    help_text = f"Policy file key: {key} ({param.clause}). Baseline: {ui.md(shown)}."
    w = K + key
    label = f"{param.label} · baseline {ui.md(shown)}"
    low = None if param.low is None else float(param.low)
    high = None if param.high is None else float(param.high)
    if param.kind == "country":
        codes = sorted(holidays.list_supported_countries())  # ISO alpha-2 and alpha-3, as the file accepts
        container.selectbox(label, codes, key=w, help=help_text)
    elif param.kind == "timezone":
        container.selectbox(label, view.timezone_choices(), key=w, help=help_text)
    elif param.kind == "weekdays":
        container.multiselect(f"Weekend days (empty: the country's own) · baseline {ui.md(shown)}", WEEKDAYS,
                              key=w, help=help_text)
    elif param.kind == "pause_on":
        container.radio(f"The 48-hour clock pauses on · baseline {base}", list(PAUSE_ON), key=w, help=help_text,
                        format_func=lambda v: PAUSE_ON[v])
    elif param.kind == "payer":
        container.selectbox(label, list(PAYERS), key=w, help=help_text, format_func=lambda v: PAYERS[v])
    elif param.kind == "required":
        container.selectbox(label, [True, False], key=w, help=help_text,
                            format_func=lambda v: "Required" if v else "Not required")
    elif param.kind == "rate":
        container.number_input(label, min_value=low, max_value=high, step=0.01, format="%.2f", key=w, help=help_text)
    elif param.kind == "number":
        container.number_input(f"{param.label} ({param.unit}) · baseline {ui.md(shown)}", min_value=low, step=1.0,
                               format="%g", key=w, help=help_text)
    elif param.kind == "whole":
        container.number_input(label, min_value=int(low), step=1, key=w, help=help_text)
    else:
        container.text_input(label, key=w, help=help_text,
                             placeholder="comma-separated" if param.kind == "categories" else None)
    if _scenario_values_one(key, st.session_state.get(w)) != base:
        container.caption(f":orange[changed from {ui.md(shown)}]")


def _scenario_values_one(key: str, value):
    kind = _kind(key)
    if kind == "weekdays":
        return sorted(WEEKDAYS.index(d) for d in value or [])
    if kind == "categories":
        return [c.strip().lower() for c in str(value or "").split(",") if c.strip()]
    return value


@st.cache_data(max_entries=4, show_spinner="Replaying the baseline...")
def _baseline_replay(_con, _baseline, data_version: str, baseline_toml: str, first: dt.date, last: dt.date,
                     as_of: dt.datetime) -> WhatIfResult:
    """The first view's replay (the baseline against itself), the same for every session with
    this data, baseline, period and as-of minute: computed once, not once per visitor."""
    return compare(_con, _baseline, _baseline, (first, last), as_of=as_of)


def _base_version() -> int:
    """The saved version this session's scenario builds on: the sidebar's version (0, the shipped
    default, for a file or none) until this session saves or reapplies its changes on a newer
    one; then that one, so only someone else's later save makes a save stale."""
    source = ctx.policy_source()
    chosen = source if isinstance(source, int) else 0
    own = st.session_state.get(OWN_BASE)
    return own[1] if own and own[0] == chosen else chosen


def _save_version_form(container, scenario) -> None:
    """One explicit save: a form whose button alone saves (Enter in the note does not)."""
    with container.form("wi_version", border=True, enter_to_submit=False):
        note = st.text_input("Why this change (kept in the policy history)", key="wi_version_note", max_chars=500)
        save = st.form_submit_button("Save as a new policy version", icon=":material/history:", key="wi_version_save")
    if not save:
        return
    chosen = ctx.policy_source() if isinstance(ctx.policy_source(), int) else 0
    try:
        saved = save_version(ctx.connection(), scenario, based_on=_base_version(),
                             saved_by=ui_access.user_label(), note=note)
    except StaleVersion as exc:
        st.session_state[STALE] = exc.latest  # the inputs stay as they are
    except DataError as exc:
        ui.show_error(f"The version could not be saved: {exc}.", "")
    else:
        st.session_state[OWN_BASE] = (chosen, saved.version)
        st.session_state.pop(STALE, None)
        ctx.forget_policy_history()
        container.success(f"Saved as version {saved.version} ({len(saved.changes)} key(s) changed). "
                          "Choose it in the sidebar to use it everywhere.", icon=":material/check:")


def _stale_notice(container, scenario) -> None:
    """Someone else saved a newer version: say so, and offer to put this scenario's changes
    (against its own base) on top of that version."""
    latest = st.session_state.get(STALE)
    if latest is None or scenario is None:
        return
    base = _base_version()
    container.warning(f"Version {latest} was saved by someone else after version {base}, the one your "
                      "scenario builds on. Nothing was saved.", icon=":material/warning:")
    if container.button(f"Reapply my changes on version {latest}", key="wi_reapply", icon=":material/merge:"):
        mine = {k: b for k, _a, b in changed_keys(load_version(ctx.connection(), base), scenario)}
        try:
            rebased = load_version(ctx.connection(), latest).replace(mine)
        except PolicyError as exc:
            ui.show_error(f"Your changes do not fit version {latest}: {exc}.", "Change that input.")
            return
        source = ctx.policy_source()
        st.session_state[OWN_BASE] = (source if isinstance(source, int) else 0, latest)
        st.session_state.pop(STALE, None)
        st.session_state[PENDING_INPUTS] = rebased.flat()
        st.rerun()


# --------------------------------------------------------------------------- page
st.title("What-if lab")
st.caption("Change any parameter of the policy file, replay a period under the baseline and your scenario, "
           "and see which decisions, costs and SLA figures change.")

con = ctx.connection_or_stop()
baseline = ctx.policy()
baseline_flat = baseline.flat()
as_of = ctx.as_of().replace(second=0)

if st.session_state.get(BASELINE_KEY) != baseline.to_toml():  # first visit, or another baseline chosen
    _set_inputs(baseline_flat)
    st.session_state[BASELINE_KEY] = baseline.to_toml()
    st.session_state.pop(RESULT, None)

if PENDING_INPUTS in st.session_state:  # a rebase: the inputs can only be set before they are drawn
    _set_inputs(st.session_state.pop(PENDING_INPUTS))
    st.session_state.pop(RESULT, None)

# Two columns: the scenario on the left (its inputs scroll inside a box of their own), the
# results on the right, so the figures stay in view while the scenario changes.
scenario_col, results_col = st.columns([2, 3], gap="medium")

# --- load a scenario file (before the inputs are drawn, so it can fill them) -------------------
with scenario_col:
    st.markdown(f"**Scenario** · baseline: {ui.md(baseline.name)} (effective {baseline.effective_from}), "
                "the policy chosen in the sidebar")
    with st.expander("Load a scenario file, or start again", icon=":material/upload_file:"):
        uploaded = st.file_uploader("Load a scenario (policy TOML file)", type=["toml"], key="wi_upload",
                                    help="A policy file as saved here or as described in the policy spec; "
                                         "keys it does not name keep their defaults.")
        if uploaded is not None and st.session_state.get(LOADED) != uploaded.file_id:
            try:
                loaded = parse_policy(uploaded.getvalue().decode("utf-8"))
            except UnicodeDecodeError:
                ui.show_error(f"{uploaded.name} is not a UTF-8 text file.", "Upload a .toml policy file.")
            except PolicyError as exc:
                ui.show_error(f"{uploaded.name} cannot be used as a policy: {exc}.",
                              "Fix that key in the file and upload it again.")
            else:
                _set_inputs(loaded.flat())
                st.session_state[LOADED] = uploaded.file_id
                st.session_state.pop(RESULT, None)
                st.toast(f"Loaded {ui.md(uploaded.name)}: {len(changed_keys(baseline, loaded))} key(s) differ "
                         "from the baseline.")
        if st.button("Reset every input to the baseline", key="wi_reset", icon=":material/restart_alt:"):
            _set_inputs(baseline_flat)
            st.session_state.pop(RESULT, None)
            st.rerun()

    # --- the scenario's parameters, grouped as the policy file, one expander per section --------
    sections: dict[str, list[str]] = {}
    for key in baseline_flat:
        if "." in key:
            sections.setdefault(key.split(".", 1)[0], []).append(key)
    with st.container(height=520, border=True, key="wi_inputs"):
        c1, c2 = st.columns(2)
        c1.text_input("Name", key=K + "name", help=f"Baseline: {ui.md(baseline_flat['name'])}")
        c2.date_input("Effective from", key=K + "effective_from", format="YYYY-MM-DD",
                      help=f"Baseline: {baseline_flat['effective_from']}. A what-if applies the scenario to every case.")
        for name, keys in sections.items():
            title, blurb = SECTIONS.get(name, (name, ""))
            moved = sum(_scenario_values_one(k, st.session_state.get(K + k)) != baseline_flat[k] for k in keys)
            with st.expander(f"{title} · {moved} changed" if moved else title, expanded=bool(moved)):
                st.caption(ui.md(blurb))
                for key in keys:
                    _field(st, key)

    scenario = None
    try:
        scenario = baseline.replace(_scenario_values())
    except PolicyError as exc:
        ui.show_error(f"The scenario is not a valid policy: {exc}.", "Change that input.")
    changes = changed_keys(baseline, scenario) if scenario is not None else []

    if scenario is not None:
        if changes:
            st.markdown(f"**{len(changes)} parameter(s) differ from the baseline**")
            st.dataframe(view.changes_table(changes), hide_index=True, key="wi_changes")
        else:
            st.caption("The scenario equals the baseline: change a parameter above, then replay.")
        st.download_button("Save the scenario as a policy file (TOML)", scenario.to_toml().encode("utf-8"),
                           file_name=slug_filename(scenario.name, ".toml"), mime="application/toml", key="wi_save",
                           icon=":material/download:")
        if changes and ui_access.current_role() and ui_access.current_role().can(Permission.SAVE_POLICY):
            _save_version_form(st, scenario)
            _stale_notice(st, scenario)

# --- replay -----------------------------------------------------------------------------------
with results_col:
    st.markdown("**Results**")
    end = as_of.date()
    p1, p2 = st.columns(2, vertical_alignment="bottom")
    period = p1.date_input("Period (cases by request date, orders by placing date)",
                           value=(end - dt.timedelta(weeks=PERIOD_WEEKS), end), key="wi_period", format="YYYY-MM-DD",
                           min_value=dt.date(2000, 1, 1), max_value=end + dt.timedelta(days=366))
    run = p2.button("Replay baseline and scenario", type="primary", key="wi_replay",
                    icon=":material/play_arrow:", disabled=scenario is None)
    if not isinstance(period, (tuple, list)) or len(period) != 2:
        st.info("Pick the last day of the period too.")
        st.stop()

    request = (ctx.data_version(), baseline, scenario, period[0], period[1], as_of)
    stored = st.session_state.get(RESULT)
    if scenario is not None and (run or stored is None):
        ctx.decide_with_progress(con, baseline)
        first_view = not run and not changes  # the baseline against itself: shared by every session
        bar = st.empty() if first_view else st.progress(0.0, text="Starting the replay...")
        try:
            if first_view:
                result = _baseline_replay(con, baseline, request[0], baseline.to_toml(), period[0], period[1], as_of)
            else:
                result = compare(con, baseline, scenario, period, as_of=as_of,
                                 progress=lambda f, text: bar.progress(min(max(f, 0.0), 1.0), text=ui.md(text)))
        except (DataError, PolicyError) as exc:
            bar.empty()
            ui.show_error(f"The replay failed: {exc}.", "Check the period and the scenario.")
            st.stop()
        except Exception as exc:  # noqa: BLE001 - a sentence on screen, the traceback in the log
            bar.empty()
            log.exception("what-if replay failed")
            ui.show_error(f"The replay failed ({type(exc).__name__}).",
                          "Try a shorter period; if it keeps happening, tell the team that runs Returns Desk.")
            st.stop()
        bar.empty()
        st.session_state[RESULT] = stored = (request, result)

    if stored is None:
        st.stop()
    ran_for, result = stored
    if ran_for != request:
        st.info("The inputs changed since this replay: press **Replay** to update the figures below.",
                icon=":material/info:")
    ran_scenario = ran_for[2]
    currency = baseline.money.currency

    m = [*st.columns(2), *st.columns(2)]  # two by two: four beside each other cut the figures off
    m[0].metric("Decisions that change", f"{result.changed:,}",
                f"{result.changed / result.cases:.1%} of cases" if result.cases else None,
                delta_color="off", border=True,
                help="Outcome, refund kind or amount, who pays freight or other costs, or what is missing.")
    m[1].metric("Same outcome, other deadlines", f"{result.deadline_only:,}", delta_color="off", border=True,
                help="The decision stays the same, but at least one deadline (e.g. the end of the return "
                     "window) falls on another day.")
    refund = result.costs.loc["refunds"]
    freight = result.costs.loc["store-paid freight"]
    yearly_note = view.per_year_note(result.first, result.last)
    def yearly(change: float) -> str:
        return f"{change:+,.2f} · {view.per_year(change, result.first, result.last):+,.0f} a year"

    def moved(change: float) -> dict:  # no change: grey, no arrow (not a red "up" for +0.00)
        return {"delta_color": "inverse", "delta_arrow": "auto"} if change else {"delta_color": "off", "delta_arrow": "off"}

    m[2].metric(f"Refund cost ({currency})", f"{refund['after']:,.0f}", yearly(refund["change"]),
                **moved(refund["change"]), border=True,
                help=f"Baseline {ui.money(refund['before'], currency)}. The change over the period, then "
                     f"scaled to a year: {yearly_note}.")
    m[3].metric(f"Store-paid freight ({currency})", f"{freight['after']:,.0f}", yearly(freight["change"]),
                **moved(freight["change"]), border=True,
                help=f"Baseline {ui.money(freight['before'], currency)}. Recorded freight per case; "
                     f"{result.freight_estimated:,} case(s) without a record priced at the mean "
                     f"{ui.money(result.freight_unit, currency)}. The change over the period, then scaled to a "
                     f"year: {yearly_note}.")
    # Only the open tab is drawn (its charts built and sent when it is opened): the first view
    # shows no chart at all, and switching tabs reruns the page from the stored result.
    cases_tab, outcomes_tab, sla_tab, costs_tab = st.tabs(
        [f"Changed cases ({result.changed:,})", "Outcomes before → after", "SLA attainment", "Costs"],
        key="wi_tabs", on_change="rerun")
    if cases_tab.open:
        with cases_tab:
            if result.changed_rows.empty:
                st.caption("No decision changes under this scenario for the period.")
            else:
                rows = view.changed_cases_table(result.changed_rows)
                rows.insert(0, "open", ui.case_urls(rows["case_id"]))
                if result.changed > len(rows):
                    st.caption(f"Showing the newest {len(rows):,} of {result.changed:,}.")
                st.dataframe(rows.drop(columns="case_id"), hide_index=True, key="wi_changed",
                             column_config={"open": st.column_config.LinkColumn(
                                 "Case", display_text=r"case_lookup\?case=([^&]*)", help="Opens the case on the Case lookup page")})
                pick, go_to = st.columns([3, 2], vertical_alignment="bottom")
                chosen = pick.selectbox("Changed case", list(rows["case_id"]), key="wi_case")
                with go_to:
                    ui.case_link(chosen)
    if outcomes_tab.open or sla_tab.open:
        import plotly.express as px  # here, not at the top: the first view draws no chart
    if outcomes_tab.open:
        with outcomes_tab:
            st.markdown("**Outcome before → after** (cases; rows: baseline, columns: scenario)")
            matrix = view.outcome_matrix(result.matrix)
            if not matrix.empty:
                fig = px.imshow(matrix, text_auto=True, color_continuous_scale="Blues", aspect="auto",
                                labels={"x": "scenario", "y": "baseline", "color": "cases"})
                fig.update_layout(margin={"t": 10, "l": 10, "r": 10}, coloraxis_showscale=False, height=440)
                fig.update_xaxes(side="top")
                st.plotly_chart(fig, key="wi_matrix_chart")
                st.dataframe(matrix, key="wi_matrix")
    if sla_tab.open:
        with sla_tab:
            st.markdown("**SLA attainment per stage, before and after**")
            att = view.attainment_table(result.attainment)
            long = att.reset_index().melt(id_vars=["stage"], value_vars=["baseline", "scenario"],
                                          var_name="policy", value_name="attainment")
            fig = px.bar(long, x="stage", y="attainment", color="policy", barmode="group", labels={"stage": ""})
            low = long["attainment"].min()
            fig.update_yaxes(tickformat=".0%", range=[max(0.0, (low if pd.notna(low) else 0.0) - 0.05), 1.0])
            fig.update_layout(margin={"t": 10}, height=440, legend={"orientation": "h", "y": -0.35, "title": None})
            st.plotly_chart(fig, key="wi_attainment_chart")
            st.dataframe(att, key="wi_attainment",
                         column_config={c: st.column_config.NumberColumn(format="percent")
                                        for c in ("baseline", "scenario", "change")})
    if costs_tab.open:
        with costs_tab:
            st.markdown(f"**Costs, before and after** ({yearly_note})")
            st.dataframe(view.costs_table(result.costs, result.first, result.last), key="wi_costs",
                         column_config={c: st.column_config.NumberColumn(f"{c} ({currency})", format="accounting")
                                        for c in ("before", "after", "change", "change per year")})
    st.caption(f"Replayed {result.cases:,} case(s) and {result.orders:,} order(s) from {result.first} to "
               f"{result.last} in {result.seconds:.2f} s, as of {as_of:%Y-%m-%d %H:%M}.")
    if ran_scenario is not None and changed_keys(baseline, ran_scenario):
        st.caption("Changed keys replayed: " + ", ".join(
            f"{ui.md(view.parameter_label(k))} {ui.md(view.show_value(k, a))} → {ui.md(view.show_value(k, b))}"
            for k, a, b in changed_keys(baseline, ran_scenario)))
