-- data_quality: problems a real export has, surfaced rather than hidden: one row per check with how many rows it finds and up to five example ids.
SELECT 'delivered_before_shipped' AS check_name, 'orders delivered before they were shipped' AS description,
       count(*) AS count, list(order_id ORDER BY order_id)[1:5] AS examples
FROM orders WHERE delivered_at < shipped_at
UNION ALL
SELECT 'shipped_before_placed', 'orders shipped before they were placed', count(*), list(order_id ORDER BY order_id)[1:5]
FROM orders WHERE shipped_at < placed_at
UNION ALL
SELECT 'delivered_without_date', 'orders marked delivered with no delivery date', count(*), list(order_id ORDER BY order_id)[1:5]
FROM orders WHERE status = 'delivered' AND delivered_at IS NULL
UNION ALL
SELECT 'delivered_without_shipping', 'orders with a delivery date but no shipping date', count(*), list(order_id ORDER BY order_id)[1:5]
FROM orders WHERE delivered_at IS NOT NULL AND shipped_at IS NULL
UNION ALL
SELECT 'zero_amount', 'orders with a zero amount (refunds computed from it are zero)', count(*), list(order_id ORDER BY order_id)[1:5]
FROM orders WHERE order_amount = 0
UNION ALL
SELECT 'case_before_order', 'cases requested before their order was placed', count(*), list(c.case_id ORDER BY c.case_id)[1:5]
FROM cases c JOIN orders o USING (order_id) WHERE c.requested_at < o.placed_at
UNION ALL
SELECT 'case_without_order', 'cases whose order is not in the database', count(*), list(c.case_id ORDER BY c.case_id)[1:5]
FROM cases c ANTI JOIN orders o USING (order_id)
UNION ALL
SELECT 'refund_above_amount', 'cases refunded more than the order amount', count(*), list(c.case_id ORDER BY c.case_id)[1:5]
FROM cases c JOIN orders o USING (order_id) WHERE c.refund_amount > o.order_amount
UNION ALL
SELECT 'refunded_before_request', 'cases refunded before they were requested', count(*), list(case_id ORDER BY case_id)[1:5]
FROM cases WHERE refunded_at < requested_at;
