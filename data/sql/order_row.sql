-- order_row: one order by its exact id (case-insensitive), with how many cases it has; no row when there is no such order.
SELECT o.order_id, o.placed_at, o.shipped_at, o.delivered_at, o.promised_delivery_at,
       o.order_amount, o.currency, o.category, o.country, o.status,
       (SELECT count(*) FROM cases c WHERE c.order_id = o.order_id) AS cases
FROM orders o
WHERE lower(o.order_id) = lower($order_id)
ORDER BY o.order_id
LIMIT 1;
