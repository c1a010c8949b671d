"""The canonical columns of orders and cases (data-contract.md, "Tables") and how to read them.

One list drives import validation, mapping suggestions and the Data page's help text.
"""

from __future__ import annotations

from policy.decision import Reason, Request

TEXT, TS, MONEY, BOOL = "text", "timestamp", "money", "bool"

ORDERS: dict[str, str] = {
    "order_id": TEXT, "placed_at": TS, "shipped_at": TS, "delivered_at": TS,
    "promised_delivery_at": TS, "order_amount": MONEY, "currency": TEXT, "category": TEXT,
    "country": TEXT, "status": TEXT,
}
CASES: dict[str, str] = {
    "case_id": TEXT, "order_id": TEXT, "request": TEXT, "reason": TEXT, "requested_at": TS,
    "prior_contact": BOOL, "has_order_number": BOOL, "has_shipping_address": BOOL,
    "has_media": BOOL, "correct_use": BOOL,
    "replied_at": TS, "media_received_at": TS, "customer_shipped_at": TS,
    "return_received_at": TS, "replacement_shipped_at": TS, "refunded_at": TS,
    "freight_claimed_at": TS, "freight_reimbursed_at": TS, "status_updated_at": TS,
    "closed_at": TS, "refund_amount": MONEY, "freight_amount": MONEY, "agent": TEXT,
}
TABLES = {"orders": ORDERS, "cases": CASES}
KEYS = {"orders": "order_id", "cases": "case_id"}
REQUIRED = {"orders": ("order_id", "placed_at"), "cases": ("case_id", "order_id", "request", "requested_at")}

# An order whose status is one of these (any letter case) was cancelled: it has no processing
# stage (P1; data-contract.md, orders.status). Bound as $cancelled_statuses in every query that
# reads it (data.sql.SHARED_PARAMS), :cancelled_statuses in Spark's.
CANCELLED_STATUSES = ("cancelled", "canceled")

# The codes a file may hold: the engine's own enums (policy.decision), never a copy.
REQUESTS = tuple(r.value for r in Request)
REASONS = tuple(r.value for r in Reason)


def table_columns(table: str) -> dict[str, str]:
    try:
        return TABLES[table]
    except KeyError:
        raise ValueError(f"unknown table {table!r}: use 'orders' or 'cases'") from None
