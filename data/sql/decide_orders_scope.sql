-- decide_orders_scope: decide_orders_input for the orders in scope_orders only, with its redecide flag (whose processing stage is decided again).
SELECT o.rowid AS rid, o.order_id, o.placed_at, o.shipped_at,
       coalesce(list_contains($cancelled_statuses, lower(o.status)), false) AS cancelled,
       coalesce(o.category, 'unknown') AS category, coalesce(o.country, 'unknown') AS country, s.redecide
FROM orders o JOIN scope_orders s ON s.order_id = o.order_id;
