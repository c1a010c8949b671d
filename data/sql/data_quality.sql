-- data_quality: problems a real export has, surfaced rather than hidden: one row per check with how many rows it finds and up to five example ids (the smallest). One pass over the orders and one over the cases joined to their orders, each check an aggregate FILTER.
WITH o AS (
    SELECT count(*) FILTER (WHERE delivered_at < shipped_at) AS delivered_before_shipped_n,
           min(order_id, 5) FILTER (WHERE delivered_at < shipped_at) AS delivered_before_shipped_x,
           count(*) FILTER (WHERE shipped_at < placed_at) AS shipped_before_placed_n,
           min(order_id, 5) FILTER (WHERE shipped_at < placed_at) AS shipped_before_placed_x,
           count(*) FILTER (WHERE status = 'delivered' AND delivered_at IS NULL) AS delivered_without_date_n,
           min(order_id, 5) FILTER (WHERE status = 'delivered' AND delivered_at IS NULL) AS delivered_without_date_x,
           count(*) FILTER (WHERE delivered_at IS NOT NULL AND shipped_at IS NULL) AS delivered_without_shipping_n,
           min(order_id, 5) FILTER (WHERE delivered_at IS NOT NULL AND shipped_at IS NULL) AS delivered_without_shipping_x,
           count(*) FILTER (WHERE order_amount = 0) AS zero_amount_n,
           min(order_id, 5) FILTER (WHERE order_amount = 0) AS zero_amount_x
    FROM orders
), c AS (
    SELECT count(*) FILTER (WHERE c.requested_at < o.placed_at) AS case_before_order_n,
           min(c.case_id, 5) FILTER (WHERE c.requested_at < o.placed_at) AS case_before_order_x,
           count(*) FILTER (WHERE o.order_id IS NULL) AS case_without_order_n,
           min(c.case_id, 5) FILTER (WHERE o.order_id IS NULL) AS case_without_order_x,
           count(*) FILTER (WHERE c.refund_amount > o.order_amount) AS refund_above_amount_n,
           min(c.case_id, 5) FILTER (WHERE c.refund_amount > o.order_amount) AS refund_above_amount_x,
           count(*) FILTER (WHERE c.refunded_at < c.requested_at) AS refunded_before_request_n,
           min(c.case_id, 5) FILTER (WHERE c.refunded_at < c.requested_at) AS refunded_before_request_x
    FROM cases c LEFT JOIN orders o ON o.order_id = c.order_id
)
SELECT 'delivered_before_shipped' AS check_name, 'orders delivered before they were shipped' AS description,
       delivered_before_shipped_n AS count, delivered_before_shipped_x AS examples FROM o
UNION ALL SELECT 'shipped_before_placed', 'orders shipped before they were placed', shipped_before_placed_n, shipped_before_placed_x FROM o
UNION ALL SELECT 'delivered_without_date', 'orders marked delivered with no delivery date', delivered_without_date_n, delivered_without_date_x FROM o
UNION ALL SELECT 'delivered_without_shipping', 'orders with a delivery date but no shipping date', delivered_without_shipping_n, delivered_without_shipping_x FROM o
UNION ALL SELECT 'zero_amount', 'orders with a zero amount (refunds computed from it are zero)', zero_amount_n, zero_amount_x FROM o
UNION ALL SELECT 'case_before_order', 'cases requested before their order was placed', case_before_order_n, case_before_order_x FROM c
UNION ALL SELECT 'case_without_order', 'cases whose order is not in the database', case_without_order_n, case_without_order_x FROM c
UNION ALL SELECT 'refund_above_amount', 'cases refunded more than the order amount', refund_above_amount_n, refund_above_amount_x FROM c
UNION ALL SELECT 'refunded_before_request', 'cases refunded before they were requested', refunded_before_request_n, refunded_before_request_x FROM c;
