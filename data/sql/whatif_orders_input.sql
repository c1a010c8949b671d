-- whatif_orders_input: the orders whose processing stage a what-if scenario decides when it moves the processing deadline (another calendar or processing setting): those placed from $from to before $to (the period's processing items, whatever either policy's time zone), with what their due date and SLA status read (decide_orders_input's order_id, placed_at, shipped_at, cancelled; the order_id only to name an order that cannot be decided).
SELECT order_id, placed_at, shipped_at,
       coalesce(lower(status), '') IN ('cancelled', 'canceled') AS cancelled
FROM orders
WHERE placed_at >= $from AND placed_at < $to;
