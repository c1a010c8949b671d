-- decide_orders_input: every order, with what the processing stage (P1) and the report need.
SELECT order_id, placed_at, shipped_at, coalesce(lower(status), '') IN ('cancelled', 'canceled') AS cancelled,
       coalesce(category, 'unknown') AS category, coalesce(country, 'unknown') AS country
FROM orders;
