-- facts_scope_orders: the orders to decide again after a write: those written (written_orders) and the orders of the cases in scope (scope_cases), whose fields those cases read (ids of unknown orders match no order in decide_orders_scope).
SELECT order_id FROM written_orders
UNION
SELECT order_id FROM cases WHERE case_id IN (SELECT case_id FROM scope_cases);
