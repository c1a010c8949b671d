-- data_freshness: the latest event the data records (an order placed, shipped or delivered; a case opened or any of its milestones) and the latest order and case, for "how fresh is this data". promised_delivery_at is a promise, not an event, and is left out.
WITH events AS (
    SELECT max(placed_at) AS t, max(placed_at) AS latest_order, NULL::TIMESTAMPTZ AS latest_case FROM orders
    UNION ALL SELECT max(shipped_at), NULL, NULL FROM orders
    UNION ALL SELECT max(delivered_at), NULL, NULL FROM orders
    UNION ALL SELECT max(requested_at), NULL, max(requested_at) FROM cases
    UNION ALL SELECT greatest(max(replied_at), max(media_received_at), max(customer_shipped_at),
                              max(return_received_at), max(replacement_shipped_at), max(refunded_at),
                              max(freight_claimed_at), max(freight_reimbursed_at), max(status_updated_at),
                              max(closed_at)), NULL, NULL FROM cases
)
SELECT max(t) AS latest_event, max(latest_order) AS latest_order, max(latest_case) AS latest_case FROM events;
