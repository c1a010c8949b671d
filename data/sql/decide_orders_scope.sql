-- decide_orders_scope: decide_orders_input for the orders in scope_orders only.
SELECT rowid AS rid, order_id, placed_at, shipped_at,
       coalesce(lower(status), '') IN ('cancelled', 'canceled') AS cancelled,
       coalesce(category, 'unknown') AS category, coalesce(country, 'unknown') AS country
FROM orders WHERE order_id IN (SELECT order_id FROM scope_orders);
