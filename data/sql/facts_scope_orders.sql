-- facts_scope_orders: the orders to read after a write: those written (written_orders) and the orders of the cases in scope (scope_cases), whose fields those cases read (ids of unknown orders match no order in decide_orders_scope). redecide: the order's own processing stage is decided again (a written order whose order side changed); stored: its processing fact is stored (false for an order the write added).
SELECT order_id, order_side_changed AS redecide, NOT is_new AS stored FROM written_orders
UNION ALL
SELECT DISTINCT order_id, FALSE, TRUE FROM cases
WHERE case_id IN (SELECT case_id FROM scope_cases) AND order_id NOT IN (SELECT order_id FROM written_orders);
