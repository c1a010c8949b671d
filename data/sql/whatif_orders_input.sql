-- whatif_orders_input: the orders whose processing stage a what-if scenario decides when it moves the processing deadline (another calendar or processing setting): those placed from $from to before $to (the period's processing items, whatever either policy's time zone), with what their due date and SLA status read (decide_orders_input's placed_at, shipped_at, cancelled) and their rowid, not their id: an id is read (order_ids_of_rowids) only to name an order that cannot be decided, and 5M ids cost three times the rest.
SELECT rowid AS order_rid, placed_at, shipped_at,
       coalesce(list_contains($cancelled_statuses, lower(status)), false) AS cancelled
FROM orders
WHERE placed_at >= $from AND placed_at < $to;
