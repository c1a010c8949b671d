"""Policy (policy owners, agents): the store's policy text with each clause id beside its sentence,
the active parameters, and the working-day calendar of a chosen year and country. A link from a
decision opens this page at a clause (``?clause=RE1``)."""

from __future__ import annotations

import holidays
import pandas as pd
import streamlit as st

from data.policy_versions import list_versions, version_changes
from policy import Clause, calendar_for, default_policy
from policy.params import CalendarParams
from policy.policy_text_view import annotate, clause_passage
from ui import context
from ui import display as d
from ui.calendar_view import (
    KIND_LABELS,
    heatmap_cells,
    heatmap_spec,
    month_starts,
    month_summary,
    special_days,
    year_table,
)
from ui.parameter_table import parameter_table
from ui.whatif_view import parameter_label

st.title("Policy")

policy = context.policy()
source = context.policy_source()
where = ("the shipped default" if source is None else
         f"version {source} of the policy history" if isinstance(source, int) else f"the file {source.name}")
st.caption(f"{d.md(policy.name)} · effective from {policy.effective_from:%Y-%m-%d} · {d.md(where)}. "
           "Choose another version in the sidebar.")

focus = Clause.__members__.get(str(st.query_params.get("clause", "")).upper())
if focus is not None:
    with st.container(border=True):
        st.markdown(f":orange-badge[{focus.id}] **{d.md(focus.summary)}**")
        st.text(clause_passage(focus))

# Only the open tab is drawn: a first view (or a clause link) builds the text and the parameters;
# the calendar's chart and tables and the history are built and sent when their tab is opened.
text_tab, calendar_tab, history_tab = st.tabs(["Text and parameters", "Working-day calendar", "Policy history"],
                                              key="policy_tab", on_change="rerun")
if text_tab.open:
    with text_tab:
        text_col, param_col = st.columns([3, 2.4], gap="large")
        with text_col:
            st.subheader("The policy text")
            st.caption("As the store publishes it. Each clause id on the left is what decisions cite.")
            for seg in annotate():
                if seg.blank:
                    continue
                body = seg.text.strip("\n")
                if seg.clause is None:
                    for line in body.splitlines():
                        if line.strip():
                            st.markdown(f"**{d.md(line.strip())}**" if len(line.strip()) < 60 else d.md(line.strip()))
                    continue
                with st.container(border=True, key=f"clause_{seg.clause.id}"):
                    left, right = st.columns([1, 7], vertical_alignment="top")
                    color = "orange" if seg.clause is focus else "blue"
                    left.markdown(f":{color}-badge[{seg.clause.id}]", help=seg.clause.summary)
                    right.text(body)

        with param_col:
            st.subheader("Active parameters")
            baseline = default_policy()
            table = parameter_table(policy, baseline)
            changed = int(table["changed"].sum())
            st.caption(f"The numbers the rules read. {changed} differ from the shipped default."
                       if changed else "All as shipped (the default policy file).")
            shown = table[["clause", "key", "label", "value", "changed", "default"] if changed
                          else ["clause", "key", "label", "value"]]
            st.dataframe(shown, hide_index=True, width="stretch", height=38 + 35 * len(table), key="policy_parameters",
                         column_config={"key": st.column_config.TextColumn("Key", width="medium"), "value": "Value",
                                        "label": st.column_config.TextColumn("Parameter", width="medium"),
                                        "default": "Default", "changed": st.column_config.CheckboxColumn("Changed"),
                                        "clause": st.column_config.TextColumn("Clause", width="small")})
            st.caption(f"Time zone {d.md(policy.calendar.timezone)}; processing clock pauses on "
                       f"{d.md(policy.processing.pause_on.value.replace('_', ' '))}.")

if calendar_tab.open:
    with calendar_tab:
        countries = sorted(holidays.list_supported_countries())
        c1, c2, c3 = st.columns([1, 1, 3])
        country = c1.selectbox("Country", countries, key="policy_cal_country",
                               index=countries.index(policy.calendar.country)
                               if policy.calendar.country in countries else 0)
        this_year = context.as_of().year
        year = c2.number_input("Year", min_value=2000, max_value=2069, value=this_year, step=1, key="policy_cal_year")
        c3.caption("A working day is a weekday that is not a public holiday, or an official make-up working day on a "
                   "weekend. \"Within N working days\" counts these days.")

        with d.guard("Building the calendar", "Pick another country or year."):
            params = (policy.calendar if country == policy.calendar.country else
                      CalendarParams(country=country, timezone=policy.calendar.timezone))
            cal = calendar_for(params)
            if cal.is_estimate(int(year)):
                st.warning(f"The official make-up working days of {int(year)} are not published yet (the calendar's data "
                           f"runs to {cal.official_until}). This year is an estimate: holidays follow the usual rules, "
                           "and deadlines may move when the government publishes the dates.", icon=":material/warning:")
            days = year_table(cal, int(year))
            st.vega_lite_chart(heatmap_cells(days), heatmap_spec(month_starts(days)), key="policy_calendar",
                               width="stretch")
            st.markdown(" ".join(f":{c}-badge[{KIND_LABELS[k]}]" for k, c in
                                 (("working", "green"), ("makeup", "orange"), ("weekend", "gray"), ("holiday", "red"))))
            summary = month_summary(days)
            left, right = st.columns([2, 3])
            with left:
                st.caption(f"{int(summary['working days'].sum())} working days in {int(year)}.")
                st.dataframe(summary, hide_index=True, width="stretch", key="policy_month_summary",
                             height=38 + 35 * len(summary))
            with right:
                special = special_days(days)
                st.caption(f"{len(special)} public holidays and make-up working days.")
                st.dataframe(special, hide_index=True, width="stretch", key="policy_special_days",
                             height=38 + 35 * 12,
                             column_config={"date": st.column_config.DateColumn("Date", format="YYYY-MM-DD")})


if history_tab.open:
    with history_tab:
        with d.guard("Reading the policy history"):
            versions = list_versions(context.connection())
            if versions.empty:
                st.caption("No version has been saved yet: the shipped default is in force. Policy owners save "
                           "versions from the What-if lab; each one records who saved it, when, and every changed key.")
            else:
                st.caption("Every saved version, newest first. Versions are never overwritten; choose one in the "
                           "sidebar to run the reports under it.")
                zone = policy.calendar.timezone  # saved in UTC; shown on the policy's own clock
                versions["saved_at"] = (pd.to_datetime(versions["saved_at"], utc=True).dt.tz_convert(zone)
                                        .dt.strftime("%Y-%m-%d %H:%M"))
                st.dataframe(versions[["version", "name", "based_on", "saved_by", "saved_at", "changed_keys", "note"]],
                             hide_index=True, width="stretch", key="policy_versions",
                             column_config={"based_on": "based on version", "saved_by": "saved by",
                                            "saved_at": f"saved at ({zone})", "changed_keys": "changed keys"})
                chosen = st.selectbox("What a version changed", versions["version"].tolist(), key="policy_version_diff",
                                      format_func=lambda v: f"version {v}")
                diff = version_changes(context.connection(), int(chosen))
                diff.insert(0, "parameter", diff["key"].map(parameter_label))
                st.dataframe(diff, hide_index=True, width="stretch", key="policy_version_changes",
                             column_config={"key": "policy file key", "old_value": "before", "new_value": "after"})

unusable = context.policy_file_errors()
if unusable:
    st.subheader("Saved policy files that cannot be used")
    st.caption(f"{len(unusable)} entry(ies) in {d.md(context.POLICIES_DIR)} are not offered in the sidebar. "
               "Fix or remove them; the other files and pages work as usual.")
    st.dataframe(pd.DataFrame(sorted(unusable.items()), columns=["file", "why"]), hide_index=True,
                 width="stretch", key="policy_file_errors")
