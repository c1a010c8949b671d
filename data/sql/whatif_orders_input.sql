-- whatif_orders_input: the orders whose processing stage a what-if scenario decides when it moves the processing deadline (another calendar or processing setting): those placed from $from to before $to (the period's processing items, whatever either policy's time zone), with what decide_orders_input gives the processing stage.
SELECT order_id, placed_at, shipped_at,
       coalesce(lower(status), '') IN ('cancelled', 'canceled') AS cancelled,
       coalesce(category, 'unknown') AS category, coalesce(country, 'unknown') AS country
FROM orders
WHERE placed_at >= $from AND placed_at < $to;
