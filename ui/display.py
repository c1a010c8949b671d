"""Display helpers every page uses: plain-word labels, status chips, safe text, money, dates,
links to a case, and errors as sentences. Nothing here decides anything.

Safe text: values that come from data (case ids, names, categories, agents, reasons, file and
policy names) are shown with ``st.text`` / ``st.code`` / dataframes, or passed through ``md()``
before they go into anything Streamlit renders as markdown (markdown, captions, alerts, toasts,
widget labels and help, page-link labels), or through ``chart_text()`` / ``chart_frame()`` before
they become Plotly labels or hover text. Vega-Lite charts (st.vega_lite_chart) take data as it is:
they draw labels as text and escape their tooltips. Never ``unsafe_allow_html``.

Stable names (other pages import them): ``md``, ``chart_text``, ``chart_frame``, ``OUTCOME_LABELS``, ``outcome_label``,
``REASON_LABELS``, ``reason_label``, ``REQUEST_LABELS``, ``request_label``, ``stage_label``, ``PAYER_LABELS``,
``payer_label``, ``STATUS_COLORS``, ``status_chip``, ``status_badge``, ``money``, ``when``,
``LOOKUP_PAGE``, ``case_link``, ``case_urls``, ``open_case``, ``guard``, ``show_error`` (CSV downloads: ``data.export``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pandas as pd
import streamlit as st

from policy.catalog import STAGE_DEADLINES, Deadline
from policy.decision import Outcome, Reason, Request

log = logging.getLogger("returns_desk.ui")

LOOKUP_PAGE = "pages/case_lookup.py"

OUTCOME_LABELS = {o.value: o.label for o in Outcome}  # labels live on the engine's enums
OUTCOME_COLORS = {
    "cancel_free": "green", "return_refund": "blue", "exchange": "blue", "partial_refund": "violet",
    "full_refund": "green", "needs_info": "orange", "manual_review": "orange", "rejected": "red",
    "status_update": "gray",
}
REQUEST_LABELS = {r.value: r.label for r in Request}
REASON_LABELS = {r.value: r.label for r in Reason}
PAYER_LABELS = {
    "customer": "Customer", "merchant": "The store", "none": "Nobody",
    "negotiated": "Negotiated",
}
OTHER_COSTS_LABELS = {
    "merchant": "The store", "negotiated": "Negotiated", "none": "None",
}
PROVIDED_LABELS = {
    "order_number": "Order number", "shipping_address": "Shipping address",
    "media": "Pictures/videos of product and packaging",
}
# One label per deadline and per SLA stage, from the deadline catalog (policy/catalog.py).
DEADLINE_LABELS = {d.value: d.title for d in Deadline}
STAGE_LABELS = {d.stage: d.title for d in STAGE_DEADLINES}  # data-contract.md "SLA stages"
STATUS_COLORS = {
    "met": "green", "breached": "red", "pending": "blue", "due soon": "orange",
    "open": "blue", "closed": "gray", "at risk": "orange",
}

_PUNCT = set(string.punctuation)
# Streamlit's markdown (remark-gfm) turns bare URLs and e-mail addresses into links *after* the
# escapes are resolved (a find-and-replace over the parsed text for ``https?://``, ``www.`` and
# ``name@host.tld``), so a backslash cannot stop it. A WORD JOINER (U+2060: invisible, no width,
# no line break) inside each of those patterns does.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"
_CHART_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def md(value: Any) -> str:
    """``value`` as literal text inside markdown (st.markdown, captions, alerts, toasts, labels,
    page-link labels, help): every ASCII punctuation mark backslash-escaped (so ``*``,
    ``![p](url)``, ``[x](y)``, ``:red[...]``, ``$...$``, ``<b>`` show as typed), bare URLs and
    e-mail addresses kept from becoming links, newlines folded. THE way data goes into markdown."""
    text = "" if value is None else str(value)
    text = _AUTOLINK.sub(WORD_JOINER, " ".join(text.split()))
    return "".join("\\" + ch if ch in _PUNCT else ch for ch in text)


def markdown_table(frame: pd.DataFrame, right: tuple[str, ...] = (), markdown: tuple[str, ...] = ()) -> str:
    """``frame`` as a Markdown table for ``st.markdown``: a short, already ordered table drawn
    with the page's text, without the data grid's or the table element's code (each a chain of
    scripts the browser loads before the first view is done). Cells are text (``md``), except the
    ``markdown`` columns, which the caller has written as Markdown; ``right`` columns align right."""
    def row(cells) -> str:
        return "| " + " | ".join(cells) + " |"

    head = row(md(c) for c in frame.columns)
    rule = row("---:" if c in right else "---" for c in frame.columns)
    body = [row(str(v) if c in markdown else md(v) for c, v in zip(frame.columns, values, strict=True))
            for values in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def chart_text(value: Any) -> Any:
    """``value`` as literal text in a Plotly chart (axis labels, legends, hover text), which
    renders a subset of HTML (``<a href>``, ``<b>``, ``<br>``) and decodes entities: ``&``, ``<``
    and ``>`` are written as entities. Non-text values pass unchanged. THE way data goes into a
    chart; apply it to the frame's text columns (``chart_frame``)."""
    return value.translate(_CHART_ESCAPES) if isinstance(value, str) else value


def chart_frame(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy of ``frame`` whose ``columns`` (text from data) are safe as chart labels."""
    out = frame.copy()
    for name in columns:
        out[name] = out[name].map(chart_text)
    return out


def _label(table: dict[str, str], value: Any) -> str:
    key = getattr(value, "value", value)
    if key is None or (isinstance(key, float) and pd.isna(key)):
        return "—"
    return table.get(str(key), str(key).replace("_", " "))


def outcome_label(outcome: Any) -> str:
    return _label(OUTCOME_LABELS, outcome)


def request_label(request: Any) -> str:
    return _label(REQUEST_LABELS, request)


def reason_label(reason: Any) -> str:
    return _label(REASON_LABELS, reason)


def payer_label(payer: Any) -> str:
    return _label(PAYER_LABELS, payer)


def other_costs_label(payer: Any) -> str:
    return _label(OTHER_COSTS_LABELS, payer)


def provided_label(item: Any) -> str:
    return _label(PROVIDED_LABELS, item)


def stage_label(stage: Any) -> str:
    return _label(STAGE_LABELS, stage)


def deadline_label(name: str) -> str:
    return _label(DEADLINE_LABELS, name)


def status_chip(status: str, text: str | None = None) -> str:
    """Markdown for a coloured chip (``:green-badge[met]``); ``text`` is escaped."""
    color = STATUS_COLORS.get(status, OUTCOME_COLORS.get(status, "gray"))
    return f":{color}-badge[{md(text if text is not None else status)}]"


def status_badge(status: str, text: str | None = None) -> None:
    """Draw ``status_chip`` on its own."""
    st.markdown(status_chip(status, text))


def money(amount: Any, currency: str | None = "USD") -> str:
    """``12.00 USD``; '—' for a missing amount."""
    if amount is None or (isinstance(amount, float) and pd.isna(amount)):
        return "—"
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"{value:,.2f} {currency}" if currency else f"{value:,.2f}"


def when(moment: Any, with_time: bool = True) -> str:
    """``Wed 2025-02-05 23:59`` in the moment's own zone; '—' for missing."""
    if moment is None or (not isinstance(moment, dt.datetime) and pd.isna(moment)):
        return "—"
    if isinstance(moment, pd.Timestamp):
        moment = moment.to_pydatetime()
    return moment.strftime("%a %Y-%m-%d %H:%M" if with_time else "%a %Y-%m-%d")


# --- links to a case ------------------------------------------------------------------------

def case_link(case_id: str, **kwargs: Any) -> None:
    """A link "Open case <id> in Case lookup" that opens ``case_id`` on the Case lookup page
    (``?case=<id>``, plus the sidebar's as-of date when it is not today). The label is markdown,
    so the id goes through ``md``."""
    from ui.context import link_params

    st.page_link(LOOKUP_PAGE, label=f"Open case {md(case_id)} in Case lookup", icon=":material/open_in_new:",
                 query_params={"case": str(case_id), **link_params()}, **kwargs)


def case_urls(case_ids: pd.Series) -> pd.Series:
    """``case_lookup?case=<id>`` for a table's link column (plus the sidebar's as-of date when it
    is not today); the id is URL-encoded, so an id holding ``&``, ``#`` or ``%`` still opens itself."""
    from ui.context import link_params

    carried = "".join(f"&{k}={quote(v, safe='')}" for k, v in link_params().items())
    return "case_lookup?case=" + case_ids.astype(str).map(lambda v: quote(v, safe="")) + carried


def open_case(case_id: str) -> None:
    """Switch to the Case lookup page showing ``case_id`` (e.g. from a table selection)."""
    from ui.context import link_params

    st.switch_page(LOOKUP_PAGE, query_params={"case": str(case_id), **link_params()})


# --- errors as sentences --------------------------------------------------------------------

REFRESHING = ("The data is being refreshed: another program (an import, most likely) is writing to the "
              "database. Everything works again as soon as it finishes; reload the page in a moment.")


def show_error(exc: BaseException | str, what_to_do: str = "") -> None:
    """One sentence on screen (never a traceback); the details go to the log."""
    from data import DatabaseLocked

    if isinstance(exc, DatabaseLocked):
        st.warning(REFRESHING, icon=":material/sync:")
        return
    text = str(exc).strip() or type(exc).__name__
    st.error(md(text) + (" " + md(what_to_do) if what_to_do else ""), icon=":material/error:")


@contextmanager
def guard(what: str, what_to_do: str = "Check the input and try again; if it keeps happening, "
                                        "tell the team that runs Returns Desk.") -> Iterator[None]:
    """Run a block; an error inside it becomes a sentence on screen and the page goes on.

    Known errors (data, policy or case errors) show their own message, which names the field and
    what is wrong; anything else shows ``what`` failed and ``what_to_do``. ``st.stop``/``rerun``
    pass through (they are not ``Exception``)."""
    from data import DatabaseLocked, DataError
    from policy import CaseError, PolicyError

    try:
        yield
    except DatabaseLocked as exc:
        log.info("%s: %s", what, exc)
        show_error(exc)
    except (DataError, PolicyError, CaseError) as exc:
        log.info("%s: %s", what, exc)
        show_error(f"{what}: {exc}.", "" if isinstance(exc, DataError) else what_to_do)
    except Exception as exc:  # noqa: BLE001 - the screen gets a sentence, the log the traceback
        log.exception("%s failed", what)
        show_error(f"{what} failed ({type(exc).__name__}).", what_to_do)


# --- tables -------------------------------------------------------------------------------

