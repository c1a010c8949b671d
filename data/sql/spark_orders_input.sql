-- spark_orders_input: decide_orders_input.sql on Spark (data/spark_facts.py): every order with what the processing stage (P1) and the report need; cases find their order by order_id (Spark has no rowid).
SELECT order_id, placed_at, shipped_at,
       coalesce(array_contains(:cancelled_statuses, lower(status)), false) AS cancelled,
       coalesce(category, 'unknown') AS category, coalesce(country, 'unknown') AS country
FROM orders
