-- decide_orders_input: every order with its rowid (cases find their order by it) and what the processing stage (P1) and the report need.
SELECT rowid AS rid, order_id, placed_at, shipped_at,
       coalesce(list_contains($cancelled_statuses, lower(status)), false) AS cancelled,
       coalesce(category, 'unknown') AS category, coalesce(country, 'unknown') AS country
FROM orders;
