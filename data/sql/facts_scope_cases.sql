-- facts_scope_cases: the cases to decide again after a write: those written (written_cases) and those of the orders written (written_orders).
SELECT case_id FROM cases WHERE case_id IN (SELECT case_id FROM written_cases)
UNION
SELECT case_id FROM cases WHERE order_id IN (SELECT order_id FROM written_orders);
