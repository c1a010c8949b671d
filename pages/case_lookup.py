"""Case lookup (agents): find a case by case id or order id and read its answer card; open an
order (with or without cases) and decide a new enquiry about it; decide a phone or email enquiry
that is not in the data; on first load, the at-risk queue and the latest cases. The open case or
order lives in the URL (``?case=RC0001234``, ``?order=SO00059625``) so a link can be shared."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import streamlit as st

from data.app_queries import case_events, case_queue
from data.decisions import CASE_STAGES
from data.lookup import case_lookup, case_row, order_row, order_search, store_categories
from policy import decide
from policy.decision import Provided, Reason, Request
from policy.enquiry import category_warning, form_from_order, known_categories, missing_fields
from policy.localtime import local_datetime
from policy.worked_examples import example_inputs
from ui import context
from ui import display as d
from ui.answer import answer_card

st.title("Case lookup")

policy = context.policy()
zone = policy.calendar.timezone
as_of = context.as_of()

MODES = ["Find a case", "Phone or email enquiry"]
linked = st.query_params.get("case") or st.query_params.get("order")
if linked and st.session_state.get("lookup_seen_case") != linked:
    st.session_state["lookup_mode"] = MODES[0]  # a link to a case opens it, whatever was on screen
st.session_state["lookup_seen_case"] = linked
st.session_state.setdefault("lookup_mode", MODES[0])
mode = st.segmented_control("What do you need?", MODES, key="lookup_mode",
                            label_visibility="collapsed") or MODES[0]


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def _search(version: str, text: str, limit: int) -> pd.DataFrame:
    return case_lookup(context.connection(), text, limit)


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def _orders(version: str, text: str, limit: int) -> pd.DataFrame:
    return order_search(context.connection(), text, limit)


@st.cache_data(max_entries=8, ttl=600, show_spinner=False)
def _store_categories(version: str) -> list[str]:
    return store_categories(context.connection())


STORE_STAGES = tuple(s.name for s in CASE_STAGES if s.merchant)  # the store's case deadlines


@st.cache_data(max_entries=64, ttl=600, show_spinner="Checking deadlines...")
def _queue(version: str, policy_key: str, as_of_iso: str, status: str, stages: tuple[str, ...],
           limit: int) -> pd.DataFrame:
    return case_queue(context.connection(), policy, as_of_iso, status, list(stages), limit)


def queue(status: str, stages: tuple[str, ...], limit: int) -> tuple[pd.DataFrame, int]:
    """Open items of one status for ``stages`` as of the sidebar's time, and how many there are."""
    # to the minute, as Weekly metrics: every agent opening the page within a minute shares the
    # queues (four queries over all open deadlines, ~1 s each at 10M orders), not one per visitor
    minute = as_of.replace(second=0, microsecond=0)
    items = _queue(context.data_version(), context.policy_key(), minute.isoformat(), status, stages, limit)
    return items, int(items["total"].iloc[0]) if len(items) else 0


CASE_COLUMNS = {
    "case_id": st.column_config.TextColumn("Case"),
    "order_id": st.column_config.TextColumn("Order"),
    "request": st.column_config.TextColumn("Request"),
    "reason": st.column_config.TextColumn("Reason"),
    "requested_at": st.column_config.DatetimeColumn("Requested", format="YYYY-MM-DD HH:mm", timezone=zone),
    "agent": st.column_config.TextColumn("Agent"),
    "category": st.column_config.TextColumn("Category"),
    "country": st.column_config.TextColumn("Country"),
    "order_amount": st.column_config.NumberColumn("Amount", format="%.2f"),
    "closed_at": st.column_config.DatetimeColumn("Closed", format="YYYY-MM-DD", timezone=zone),
}


def open_case(case_id: str) -> None:
    st.query_params.pop("order", None)
    st.query_params["case"] = str(case_id)
    _new_tables()
    st.rerun()


def open_order(order_id: str) -> None:
    st.query_params.pop("case", None)
    st.query_params["order"] = str(order_id)
    _new_tables()
    st.rerun()


def _new_tables() -> None:
    """Give the selectable tables new keys, so a row picked before does not reopen its case."""
    st.session_state["lookup_nonce"] = st.session_state.get("lookup_nonce", 0) + 1


def _key(name: str) -> str:
    return f"{name}_{st.session_state.get('lookup_nonce', 0)}"


def case_table(frame: pd.DataFrame, key: str, columns: list[str] | None = None) -> None:
    """A table of cases; selecting a row opens that case."""
    shown = (frame[columns] if columns else frame).copy()
    for col, label in (("request", d.request_label), ("reason", d.reason_label)):
        if col in shown:  # a cancellation has no reason: a dash, not the grid's grey "None"
            shown[col] = shown[col].map(lambda v, f=label: f(v) if isinstance(v, str) else "—")
    event = st.dataframe(shown, hide_index=True, key=_key(key), on_select="rerun", selection_mode="single-row",
                         column_config=CASE_COLUMNS, width="stretch")
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    if rows:
        open_case(frame.iloc[rows[0]]["case_id"])


def show_case(case_id: str) -> None:
    con = context.connection()
    row = case_row(con, case_id, zone)
    if row is None:
        st.warning(f"There is no case {d.md(case_id)} in this database. Check the id, or search by "
                   "order id above.", icon=":material/search_off:")
        return
    events = case_events(con, case_id, zone) or {}
    head, close = st.columns([5, 1.4], vertical_alignment="bottom")
    head.subheader(f"Case {d.md(row['case_id'])} · order {d.md(row['order_id'])}")
    if close.button("Back to the queue", icon=":material/arrow_back:", key="lookup_close",
                    help="Leaves this case as it is and shows the queues again",
                    width="stretch"):
        del st.query_params["case"]
        _new_tables()
        st.rerun()
    if st.button(f"Open order {d.md(row['order_id'])}", key="lookup_case_order", icon=":material/package_2:",
                 type="tertiary", help="The order's facts, its other cases, and a new enquiry about it"):
        open_order(row["order_id"])
    facts = [d.request_label(row.get("request")), d.reason_label(row.get("reason")) if row.get("reason") else None,
             row.get("category"), events.get("country"), d.money(row.get("order_amount"), row.get("currency")),
             f"agent {events.get('agent')}" if events.get("agent") else None,
             f"closed {d.when(events['closed_at'], with_time=False)}" if events.get("closed_at") else "open",
             f"refund paid {d.money(events['refund_amount'], row.get('currency'))}"
             if events.get("refund_amount") is not None else None,
             f"freight paid {d.money(events['freight_amount'], row.get('currency'))}"
             if events.get("freight_amount") is not None else None]
    st.caption(" · ".join(d.md(f) for f in facts if f))
    decision = decide(row, policy)
    answer_card(decision, events, as_of, policy, key=f"case_{case_id}")


QUEUE_COLUMNS = {
    "due": st.column_config.DatetimeColumn("Due", format="ddd YYYY-MM-DD HH:mm", timezone=zone),
    "stage": st.column_config.TextColumn("Stage"), "case_id": st.column_config.TextColumn("Case"),
    "order_id": st.column_config.TextColumn("Order"), "category": st.column_config.TextColumn("Category"),
    "country": st.column_config.TextColumn("Country"),
}


def queue_table(items: pd.DataFrame, key: str) -> None:
    """Case deadlines from ``data.app_queries.case_queue`` (in its order); selecting a row opens
    the case."""
    table = items.rename(columns={"item_id": "case_id"})[["due", "stage", "case_id", "order_id", "category",
                                                          "country"]].copy()
    table["stage"] = table["stage"].map(d.stage_label)
    table = table.reset_index(drop=True)
    ev = st.dataframe(table, hide_index=True, key=_key(key), on_select="rerun", selection_mode="single-row",
                      width="stretch", column_config=QUEUE_COLUMNS, height=min(38 + 35 * len(table), 320))
    if ev is not None and ev.selection.rows:
        open_case(table.iloc[ev.selection.rows[0]]["case_id"])


def first_load() -> None:
    context.decide_with_progress(context.connection(), policy)
    st.markdown("#### At risk: due within one working day")
    case_items, n_risk = queue("at_risk", STORE_STAGES, 500)
    if not n_risk:
        latest = _search(context.data_version(), "", 1)
        last = d.when(latest["requested_at"].iloc[0].tz_convert(zone), with_time=False) if len(latest) else "—"
        st.info(f"No open case has a deadline within one working day of {d.md(d.when(as_of))}. "
                f"The latest request in the data is from {d.md(last)}: pick an earlier as-of date in the "
                "sidebar to see the queue as it stood then.", icon=":material/event_available:")
    else:
        more = f" (the {len(case_items)} soonest shown)" if n_risk > len(case_items) else ""
        st.caption(f"{n_risk} case deadline(s) due by the end of the next working day{more}. "
                   "Select a row to open the case.")
        queue_table(case_items, "lookup_at_risk")
    orders_due, n_orders = queue("at_risk", ("processing",), 200)
    if n_orders:
        st.caption(f"{n_orders} order(s) must be handed to the carrier by the end of the next working day (P1):")
        orders = orders_due[["due", "order_id", "category", "country"]]
        st.dataframe(orders, hide_index=True, width="stretch", key="lookup_orders_due",
                     column_config=QUEUE_COLUMNS, height=min(38 + 35 * len(orders), 250))

    st.markdown("#### Overdue and still open")
    overdue, n_overdue = queue("breached", STORE_STAGES, 200)
    if not n_overdue:
        st.caption("No open case is past a deadline.")
    else:
        more = f" (the {len(overdue)} most recent shown)" if n_overdue > len(overdue) else ""
        st.caption(f"{n_overdue} open case deadline(s) are past due, most recently due first{more}: the customer "
                   "is waiting. Select a row to open the case.")
        queue_table(overdue, "lookup_overdue")
    _, n_not_shipped = queue("breached", ("customer_ship",), 1)
    if n_not_shipped:
        st.caption(f"Customer's side: {n_not_shipped} return(s) not shipped within the 3 working days after "
                   "the store's reply (RP2); a reminder may help.")

    st.markdown("#### Latest cases")
    latest = _search(context.data_version(), "", 15)
    if latest.empty:
        st.info("The database has no cases yet. Import some on the Data page.", icon=":material/inbox:")
    else:
        case_table(latest, "lookup_latest", ["case_id", "order_id", "request", "reason", "requested_at",
                                             "category", "country", "order_amount", "agent"])


ORDER_COLUMNS = {
    "order_id": st.column_config.TextColumn("Order"),
    "placed_at": st.column_config.DatetimeColumn("Placed", format="YYYY-MM-DD HH:mm", timezone=zone),
    "category": st.column_config.TextColumn("Category"), "country": st.column_config.TextColumn("Country"),
    "order_amount": st.column_config.NumberColumn("Amount", format="%.2f"),
    "currency": st.column_config.TextColumn("Currency"),
}


def order_table(frame: pd.DataFrame, key: str) -> None:
    """Orders without a case; selecting a row opens the order."""
    event = st.dataframe(frame.reset_index(drop=True), hide_index=True, key=_key(key), on_select="rerun",
                         selection_mode="single-row", column_config=ORDER_COLUMNS, width="stretch")
    if event is not None and event.selection.rows:
        open_order(frame.iloc[event.selection.rows[0]]["order_id"])


def show_order(order_id: str) -> None:
    """The order's facts, its cases (each opens), and the enquiry form filled from the order."""
    con = context.connection()
    order = order_row(con, order_id, zone)
    if order is None:
        st.warning(f"There is no order {d.md(order_id)} in this database. Check the id, or decide the enquiry "
                   "with the phone or e-mail form.", icon=":material/search_off:")
        return
    head, close = st.columns([5, 1.4], vertical_alignment="bottom")
    head.subheader(f"Order {d.md(order['order_id'])}")
    if close.button("Back to the queue", icon=":material/arrow_back:", key="lookup_close_order",
                    help="Leaves this order as it is and shows the queues again", width="stretch"):
        del st.query_params["order"]
        _new_tables()
        st.rerun()
    facts = [order.get("category"), order.get("country"), d.money(order.get("order_amount"), order.get("currency")),
             f"placed {d.when(order.get('placed_at'))}",
             f"shipped {d.when(order['shipped_at'])}" if order.get("shipped_at") else "not shipped",
             f"delivered {d.when(order['delivered_at'])}" if order.get("delivered_at") else "not delivered",
             f"promised {d.when(order['promised_delivery_at'], with_time=False)}"
             if order.get("promised_delivery_at") else None,
             f"status {order['status']}" if order.get("status") else None]
    st.caption(" · ".join(d.md(f) for f in facts if f))
    if order["cases"]:
        cases = _search(context.data_version(), order["order_id"], 50)
        cases = cases[cases["order_id"] == order["order_id"]]
        st.caption(f"{len(cases)} case(s) about this order; select one to open it.")
        case_table(cases, "lookup_order_cases", ["case_id", "request", "reason", "requested_at", "agent",
                                                 "closed_at"])
    else:
        st.caption("No case about this order yet.")
    st.markdown("#### New enquiry about this order")
    if st.session_state.get("enq_from_order") != order["order_id"]:
        _fill(form_from_order(order))  # once per order: what the agent then types stays
        st.session_state["enq_from_order"] = order["order_id"]
    enquiry()


def find_a_case() -> None:
    text = st.text_input("Case id or order id", key="lookup_search", placeholder="e.g. RC0009987 or SO00052300",
                         help="Part of an id is enough; the most recent cases come first.")
    text = (text or "").strip()
    selected = st.query_params.get("case")
    if text:
        results = _search(context.data_version(), text, 50)
        orders = _orders(context.data_version(), text, 50) if results.empty else None
        if results.empty and orders.empty:
            st.warning(f"No case id or order id contains {d.md(text)}. Check the id, or try fewer characters.",
                       icon=":material/search_off:")
        elif results.empty and len(orders) == 1 and st.query_params.get("order") != orders.iloc[0]["order_id"] \
                and st.session_state.get("lookup_last_auto") != text:
            st.session_state["lookup_last_auto"] = text
            open_order(orders.iloc[0]["order_id"])
        elif results.empty:
            st.caption(f"No case matches; {len(orders)} order(s) without a case do"
                       f"{' (first 50 shown)' if len(orders) == 50 else ''}: select one to open it.")
            order_table(orders, "lookup_order_results")
        elif len(results) == 1 and selected != results.iloc[0]["case_id"] and \
                st.session_state.get("lookup_last_auto") != text:
            st.session_state["lookup_last_auto"] = text
            open_case(results.iloc[0]["case_id"])
        else:
            st.caption(f"{len(results)} case(s) match{' (first 50 shown)' if len(results) == 50 else ''}; "
                       "select one to open it.")
            case_table(results, "lookup_results")
    order = st.query_params.get("order")
    if selected:
        with d.guard(f"Deciding case {selected}"):
            show_case(str(selected))
    elif order:
        with d.guard(f"Opening order {order}"):
            show_order(str(order))
    elif not text and not order:
        with d.guard("Loading the queues"):
            first_load()


# --- the enquiry form -------------------------------------------------------------------------
# The form starts empty (no invented order id, amount or time): the agent fills it, from an
# order (``show_order``) or a worked example, and Decide names what is still missing.

STAMPS = [("placed_at", "Order placed"), ("shipped_at", "Shipped"), ("delivered_at", "Delivered"),
          ("promised_delivery_at", "Promised delivery"), ("requested_at", "Customer asked")]
LATER = [("replied_at", "Store replied"), ("media_received_at", "Pictures received"),
         ("return_received_at", "Return received"), ("freight_claimed_at", "Freight claimed")]
NO_REASON = "—"
AS_OF_CHOICES = ["Now", "The latest date entered"]


def _fill(values: dict) -> None:
    """Put ``values`` (form field -> value, as policy.enquiry.form_from_order gives) into the
    form's widgets; fields not named are emptied, and the last decision is dropped."""
    ss = st.session_state
    ss["enq_order_id"] = values.get("order_id") or ""
    ss["enq_amount"] = values.get("order_amount")
    ss["enq_currency"] = values.get("currency") or policy.money.currency
    ss["enq_category"] = values.get("category") or None
    for name, _ in STAMPS + LATER:
        ss[f"enq_{name}_date"] = values.get(f"{name}_date")
        ss[f"enq_{name}_time"] = values.get(f"{name}_time")
    ss.pop("enq_case", None)


def _prefill() -> None:
    """Put a worked example into the form's widgets."""
    example = example_inputs().get(st.session_state.get("enq_example"))
    if not example:
        return
    ss = st.session_state
    ss["enq_as_of"] = AS_OF_CHOICES[1]
    values = {"order_id": example.get("order_id", ""), "order_amount": float(example.get("order_amount", 0)),
              "category": example.get("category") or None}
    for name, _ in STAMPS + LATER:
        value = example.get(name)
        moment = dt.datetime.fromisoformat(value) if value else None
        values[f"{name}_date"] = moment.date() if moment else None
        values[f"{name}_time"] = moment.time() if moment else None
    _fill(values)
    ss["enq_request"] = example.get("request", "refund")
    ss["enq_reason"] = example.get("reason") or NO_REASON
    ss["enq_prior_contact"] = example.get("prior_contact", True)
    ss["enq_correct_use"] = example.get("correct_use", True)
    ss["enq_provided"] = list(example.get("provided", [p.value for p in Provided]))


def _defaults() -> None:
    """The form's starting values, set once per session (widgets take them from Session State)."""
    ss = st.session_state
    start = {"enq_order_id": "", "enq_amount": None, "enq_currency": policy.money.currency,
             "enq_category": None, "enq_request": "refund", "enq_reason": NO_REASON,
             "enq_provided": [p.value for p in Provided], "enq_prior_contact": True, "enq_correct_use": True}
    start.update({f"enq_{name}_date": None for name, _ in STAMPS + LATER})
    start.update({f"enq_{name}_time": None for name, _ in STAMPS + LATER})
    start["enq_as_of"] = AS_OF_CHOICES[0]
    for key, value in start.items():
        ss.setdefault(key, value)


def _stamp(name: str, label: str, col) -> tuple[dt.date | None, dt.time | None]:
    with col:
        day = st.date_input(label, key=f"enq_{name}_date", format="YYYY-MM-DD")
        time = st.time_input(f"{label}, time", key=f"enq_{name}_time", step=900, label_visibility="collapsed")
    return day, time


def enquiry() -> None:
    st.caption("Decide a request that is not in the data (a phone call, an email). Times are in "
               f"{zone}. Fill what you know; leave unknown dates empty; a date needs its time.")
    st.selectbox("Start from a worked example of the policy spec (optional)", [""] + list(example_inputs()),
                 key="enq_example", on_change=_prefill, format_func=lambda k: k or "—")
    _defaults()
    warranty = policy.warranty.categories
    known = known_categories(_store_categories(context.data_version()), warranty)
    categories = list(known)
    if st.session_state.get("enq_category") and st.session_state["enq_category"] not in categories:
        categories.append(st.session_state["enq_category"])  # a typed or example category stays selectable
    with st.form("enquiry", border=True):
        c = st.columns(4)
        order_id = c[0].text_input("Order id", key="enq_order_id", placeholder="required")
        amount = c[1].number_input("Order amount", min_value=0.0, step=1.0, format="%.2f", key="enq_amount",
                                   placeholder="required")
        currency = c[2].text_input("Currency", key="enq_currency")
        category = c[3].selectbox("Category", categories, key="enq_category", index=None, accept_new_options=True,
                                  placeholder="choose or type",
                                  help=f"The store's categories and the warranty categories "
                                       f"({d.md(', '.join(warranty))}); another one gets a warning.")
        c = st.columns(4)
        request = c[0].selectbox("Request", [r.value for r in Request], key="enq_request",
                                 format_func=d.request_label)
        reason = c[1].selectbox("Reason", [NO_REASON] + [r.value for r in Reason], key="enq_reason",
                                format_func=lambda r: r if r == NO_REASON else d.reason_label(r))
        provided = c[2].multiselect("Customer provided", [p.value for p in Provided],
                                    key="enq_provided",
                                    format_func=d.provided_label)
        with c[3]:
            prior_contact = st.checkbox("Asked before sending anything back", key="enq_prior_contact")
            correct_use = st.checkbox("Used correctly (electronics)", key="enq_correct_use")
        cols = st.columns(len(STAMPS))
        stamps = {name: _stamp(name, label, col) for (name, label), col in zip(STAMPS, cols)}
        st.caption("Later milestones (if any)")
        cols = st.columns(len(LATER) + 1)
        stamps.update({name: _stamp(name, label, col) for (name, label), col in zip(LATER, cols)})
        st.radio("Judge deadlines as of", AS_OF_CHOICES, key="enq_as_of", horizontal=True,
                  help="Now: the sidebar's as-of time (a customer on the phone today). The latest date entered: "
                       "the situation at that moment (a past case, the worked examples).")
        submitted = st.form_submit_button("Decide", type="primary", icon=":material/gavel:", key="enq_submit")
    if submitted:
        moments = {name: dt.datetime.combine(day, time) if day and time else None
                   for name, (day, time) in stamps.items()}
        form = {"order_id": order_id, "order_amount": amount, "category": category,
                "requested_at": moments["requested_at"], "request": request,
                "reason": None if reason == NO_REASON else reason, "stamp_labels": STAMPS + LATER}
        form.update({f"{name}_date": day for name, (day, _) in stamps.items()})
        form.update({f"{name}_time": time for name, (_, time) in stamps.items()})
        missing = missing_fields(form)
        if missing:
            st.warning("Fill in before deciding: " + d.md(", ".join(missing)) + ".",
                       icon=":material/assignment_late:")
            st.session_state.pop("enq_case", None)
            return
        money = Decimal(str(amount)).quantize(Decimal("0.01"))
        case = {"case_id": None, "order_id": order_id.strip(), "order_amount": money,
                "currency": currency.strip().upper() or policy.money.currency, "category": (category or "").strip(),
                "request": request, "reason": None if reason == NO_REASON else reason,
                "prior_contact": prior_contact, "correct_use": correct_use, "provided": list(provided)}
        case.update({k: v for k, v in moments.items() if v is not None})
        st.session_state["enq_case"] = {k: v for k, v in case.items() if v is not None}
    case = st.session_state.get("enq_case")
    if case:
        with d.guard("Deciding the enquiry", "Correct the field named above and press Decide again."):
            unknown = category_warning(case.get("category"), known, warranty)
            if unknown:
                st.warning(d.md(unknown), icon=":material/category:")
            decision = decide(case, policy)
            events = _aware_events(case)
            stamps = [v for k, v in events.items() if k != "promised_delivery_at"]
            latest_entered = st.session_state.get("enq_as_of") == AS_OF_CHOICES[1] and stamps
            when = max(stamps) if latest_entered else as_of
            st.subheader(f"Enquiry · order {d.md(case.get('order_id'))}")
            answer_card(decision, events, when, policy, key="enquiry")


def _aware_events(case: dict) -> dict:
    z = context.zone()  # the form's times are wall-clock times: the engine's one reading
    return {k: local_datetime(v, z) for k, v in case.items() if k.endswith("_at") and isinstance(v, dt.datetime)}


with d.guard("Case lookup", "Check the database file in the sidebar, or tell the team that runs Returns Desk."):
    if mode == MODES[0]:
        find_a_case()
    else:
        enquiry()
