"""A phone or e-mail enquiry as the agent types it (pure, no Streamlit): which categories are
known, a warning for one that is not, what is still missing before a decision, and the form's
values taken from an order in the data.

A typo in the category is not harmless: warranty (A1) applies only to the policy's warranty
categories, so ``electronic`` for ``electronics`` turns a warranty refund into manual review.
Nothing is invented either: the form starts empty and a decision waits until the fields the
engine needs (policy-spec section 3) are filled.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from policy.decision import Request

# (field, label) the decision needs from the form (policy.case: the engine's required fields);
# the reason only for refunds and exchanges. The category is not among them: the engine decides
# without one (no warranty), as the spec's worked examples do; a typo in it gets a warning.
REQUIRED = (("order_id", "Order id"), ("order_amount", "Order amount"),
            ("requested_at", "Customer asked (date and time)"))
REASON_NEEDED = (Request.REFUND.value, Request.EXCHANGE.value)


def known_categories(store: Iterable[str], warranty: Iterable[str]) -> list[str]:
    """The store's categories (in the order given: most orders first) then the policy's warranty
    categories not among them; compared as the engine compares them (trimmed, lower case)."""
    seen: dict[str, str] = {}
    for name in list(store) + list(warranty):
        key = (name or "").strip().lower()
        if key and key not in seen:
            seen[key] = key
    return list(seen.values())


def category_warning(category: str | None, known: Sequence[str], warranty: Iterable[str]) -> str | None:
    """None for an empty or known category; otherwise a sentence saying it is unknown, naming the
    closest known one and what an unknown category means for warranty (A1)."""
    key = (category or "").strip().lower()
    if not key or key in known:
        return None
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    hint = f' Did you mean "{close[0]}"?' if close else ""
    return (f'"{key}" is not a category of the store or of the policy.{hint} Warranty (A1) covers only '
            f"{', '.join(sorted(warranty)) or 'no category'}; any other category gets no warranty.")


def missing_fields(values: Mapping[str, Any]) -> list[str]:
    """Labels of the fields a decision still needs, in the form's order. ``values`` holds the
    form's fields (empty text, None, or a date without its time count as missing)."""
    missing = []
    for name, label in REQUIRED:
        value = values.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(label)
    if values.get("request") in REASON_NEEDED and not values.get("reason"):
        missing.append("Reason")
    missing.extend(f"{label}: time" for name, label in values.get("stamp_labels", ())
                   if values.get(f"{name}_date") is not None and values.get(f"{name}_time") is None)
    return missing


def form_from_order(order: Mapping[str, Any]) -> dict[str, Any]:
    """The enquiry form's values from an order row (``data.lookup.order_row``): id, amount,
    currency, category and the order's dates and times (aware datetimes in the policy's zone)."""
    values: dict[str, Any] = {"order_id": order.get("order_id") or "",
                              "currency": order.get("currency") or None,
                              "category": (order.get("category") or "").strip().lower()}
    amount = order.get("order_amount")
    values["order_amount"] = float(Decimal(str(amount))) if amount is not None else None
    for name in ("placed_at", "shipped_at", "delivered_at", "promised_delivery_at"):
        moment = order.get(name)
        values[f"{name}_date"] = moment.date() if isinstance(moment, dt.datetime) else None
        values[f"{name}_time"] = moment.time().replace(tzinfo=None) if isinstance(moment, dt.datetime) else None
    return values
