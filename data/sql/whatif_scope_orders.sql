-- whatif_scope_orders: the orders a what-if scenario decides: those of the cases in scope (scope_cases; the cases read their fields) and, when the scenario moves the processing deadline ($with_placed: another calendar or processing setting), every order placed from $from to before $to (the period's processing items, whatever either policy's time zone).
SELECT order_id FROM scope_cases
UNION
SELECT order_id FROM orders WHERE $with_placed AND placed_at >= $from AND placed_at < $to;
