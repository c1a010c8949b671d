-- facts_scope_orders: the orders to read after a write: those written (written_orders) and the orders of the cases in scope (scope_cases), whose fields those cases read (ids of unknown orders match no order in decide_orders_scope). redecide: the order's own processing stage is decided again (a written order whose order side changed); stored: its processing fact is stored (false for an order the write added). The second part starts from the few cases in scope, so a million written orders are not hashed to exclude none.
SELECT order_id, order_side_changed AS redecide, NOT is_new AS stored FROM written_orders
UNION ALL
SELECT order_id, FALSE, TRUE FROM (SELECT DISTINCT order_id FROM cases WHERE case_id IN (SELECT case_id FROM scope_cases)) c
WHERE NOT EXISTS (SELECT 1 FROM written_orders w WHERE w.order_id = c.order_id);
