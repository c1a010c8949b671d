-- whatif_scope_orders: the orders a what-if scenario reads, with compute's redecide flag: those of the cases in scope (scope_cases; the cases read their fields, their processing stage is not decided) and, when the scenario moves the processing deadline ($with_placed: another calendar or processing setting), every order placed from $from to before $to, whose processing stage is decided (the period's processing items, whatever either policy's time zone). stored: unused by a scenario (nothing is stored).
SELECT order_id, bool_or(redecide) AS redecide, FALSE AS stored
FROM (SELECT order_id, FALSE AS redecide FROM scope_cases
      UNION ALL
      SELECT order_id, TRUE FROM orders WHERE $with_placed AND placed_at >= $from AND placed_at < $to)
GROUP BY order_id;
