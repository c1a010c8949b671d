-- decide_orders_input: every order with its rowid (cases find their order by it) and the fields the processing stage (P1), the case decisions and the report need.
SELECT rowid AS rid, order_id, placed_at, shipped_at, delivered_at, promised_delivery_at,
       CAST(coalesce(order_amount, 0) AS DOUBLE) AS order_amount, currency,
       coalesce(lower(status), '') IN ('cancelled', 'canceled') AS cancelled,
       coalesce(category, 'unknown') AS category, coalesce(country, 'unknown') AS country
FROM orders;
