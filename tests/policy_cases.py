"""Readable case builders shared by the policy tests."""

from __future__ import annotations

from typing import Any

BASE: dict[str, Any] = {
    "order_id": "O-1",
    "order_amount": 100,
    "category": "apparel",
    "placed_at": "2025-03-03T09:00:00+08:00",
    "shipped_at": "2025-03-04T09:00:00+08:00",
    "delivered_at": "2025-03-10T14:00:00+08:00",
    "request": "refund",
    "reason": "changed_mind",
    "requested_at": "2025-03-12T11:00:00+08:00",
}


def case(**changes: Any) -> dict[str, Any]:
    """BASE with some fields changed; a value of ``None`` removes nothing, it sets null."""
    out = dict(BASE)
    out.update(changes)
    return out
