-- facts_scope_orders: the orders to decide again after a write: those written (written_orders) and the orders of the cases in scope (scope_cases), whose fields those cases read.
SELECT order_id FROM orders WHERE order_id IN (SELECT order_id FROM written_orders)
UNION
SELECT c.order_id FROM cases c JOIN orders o USING (order_id) WHERE c.case_id IN (SELECT case_id FROM scope_cases);
