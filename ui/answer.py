"""The agents' answer card and the case timeline chart (layout only).

``answer_card(decision, events, as_of, policy)`` draws: the outcome in plain words, refund,
who pays return freight and other costs, what is missing, the sentence to read to the customer,
each deadline (date, working days left or how late, met / breached / pending), the clauses
behind the decision each opening its passage of the policy, and the timeline. Figures come from
``policy.answer_view``; user values go through ``display.md`` or ``st.text``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from policy import Decision, Policy
from policy.answer_view import DeadlineRow, deadline_rows, timeline
from policy.policy_text_view import clause_passages
from policy.progress import case_progress
from ui import display as d

STATUS_MARKERS = {"met": "#2e7d32", "breached": "#c62828", "pending": "#1565c0", "open": "#1565c0",
                  "closed": "#9e9e9e", "done": "#424242", "promised": "#9e9e9e"}


@st.cache_data(show_spinner=False)
def _passages() -> dict[str, str]:
    return {c.id: text for c, text in clause_passages().items()}


def deadline_chip(row: DeadlineRow) -> str:
    if row.status == "pending" and row.at_risk:
        return d.status_chip("at risk", "pending · at risk")
    return d.status_chip(row.status)


def answer_card(decision: Decision, events: Mapping[str, Any] | None, as_of: dt.datetime, policy: Policy,
                key: str = "card") -> list[DeadlineRow]:
    """Draw the whole card; returns the deadline rows it showed."""
    outcome = decision.outcome.value
    with st.container(border=True):
        color = d.OUTCOME_COLORS.get(outcome, "gray")
        st.markdown(f"#### :{color}[{d.md(d.outcome_label(outcome))}]")
        refund = decision.refund
        cols = st.columns(4)
        if refund.kind.value == "none":
            cols[0].metric("Refund", "None")
        else:
            cols[0].metric(f"Refund ({refund.kind.value})", d.money(refund.amount, refund.currency))
        cols[1].metric("Return freight paid by", d.payer_label(decision.freight_payer.value),
                       help="Nobody: nothing travels back (cancellation, lost parcel, partial refund, no return).")
        cols[2].metric("Other costs (taxes…)", d.other_costs_label(decision.other_costs_payer.value),
                       help="Negotiated: the customer and after-sales agree on them (F3).")
        missing = ", ".join(d.provided_label(m.value) for m in decision.missing) or "Nothing"
        cols[3].metric("Still missing", missing)
        if decision.missing:
            st.warning("Ask the customer for: " + d.md(missing) + ".", icon=":material/assignment_late:")

        rows = deadline_rows(decision, events, as_of, policy)
        st.markdown("**Read to the customer**")
        progress = case_progress(rows)
        if progress.done:  # the policy's answer does not know what is done: where the case stands first
            st.info(d.md(progress.script()), icon=":material/record_voice_over:")
            st.caption("The policy's answer, for reference: " + d.md(decision.explanation))
        else:
            st.info(d.md(decision.explanation), icon=":material/record_voice_over:")
            if progress.script():
                st.info(d.md(progress.script()), icon=":material/event_upcoming:")
        for warning in decision.warnings:
            st.warning(d.md(warning))

        st.markdown(f"**Deadlines** · as of {d.md(d.when(as_of))}")
        if not rows:
            st.caption("No deadline applies.")
        for row in rows:
            c1, c2, c3, c4 = st.columns([3, 2.4, 1.6, 3], vertical_alignment="center")
            side = " · customer's side" if row.customer_side else ""
            c1.markdown(f"{d.md(d.deadline_label(row.name))}{d.md(side)}")
            c2.markdown(d.md(d.when(row.due)))
            c3.markdown(deadline_chip(row))
            text = f"done {d.when(row.done)} · {row.note}" if row.done is not None else row.note
            c4.markdown(d.md(text))

        st.markdown("**Why: the clauses behind this decision**")
        passages = _passages()
        for clause in decision.clauses:
            with st.expander(f"{clause.id} · {clause.summary}", icon=":material/gavel:"):
                st.caption("The policy says:")
                st.text(passages.get(clause.id, clause.source))
                st.page_link("pages/policy_page.py", label="Open the whole policy",
                             query_params={"clause": clause.id}, icon=":material/description:")
        if not decision.clauses:
            st.caption("No clause applied.")

        st.markdown("**Timeline**")
        frame = timeline(events, rows, as_of, policy)
        if frame.empty:
            st.caption("No dated events.")
        else:
            st.plotly_chart(timeline_figure(frame, as_of), key=f"{key}_timeline", width="stretch")
    return rows


def timeline_figure(frame, as_of: dt.datetime) -> go.Figure:
    """One row per event (dot) and deadline (diamond, coloured by status), in time order, with a
    dotted line from each deadline to the milestone that met or missed it, and the as-of line."""
    frame = frame.copy()
    frame["row"] = [d.deadline_label(n) if k == "deadline" else lab
                    for k, n, lab in zip(frame["kind"], frame["name"], frame["label"])]
    order = list(dict.fromkeys(frame["row"]))
    fig = go.Figure()
    for kind, symbol in (("event", "circle"), ("deadline", "diamond")):
        part = frame[frame["kind"] == kind]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["at"], y=part["row"], mode="markers", name="Events" if kind == "event" else "Deadlines",
            marker=dict(symbol=symbol, size=14 if kind == "deadline" else 11,
                        color=[STATUS_MARKERS.get(s, "#616161") for s in part["status"]],
                        line=dict(width=1, color="white")),
            hovertext=[f"{r}<br>{t:%a %Y-%m-%d %H:%M}<br>{s}" for r, t, s in
                       zip(part["row"], part["at"], part["status"])],
            hoverinfo="text",
        ))
    fig.add_vline(x=as_of, line_dash="dot", line_color="#ff9800")
    fig.add_annotation(x=as_of, y=1.0, yref="paper", yanchor="bottom", text="as of", showarrow=False,
                       font=dict(color="#ff9800", size=11))
    fig.update_layout(height=90 + 26 * len(order), margin=dict(l=10, r=10, t=24, b=10), showlegend=False,
                      yaxis=dict(categoryorder="array", categoryarray=order[::-1], title=None, automargin=True),
                      xaxis=dict(title=None))
    return fig
