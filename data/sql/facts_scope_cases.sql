-- facts_scope_cases: the cases to decide again after a write: those written (written_cases) and those of the orders written (written_orders); stored: the case has stored facts to replace (false for a case the write added).
WITH scoped AS (
    SELECT case_id FROM cases WHERE case_id IN (SELECT case_id FROM written_cases)
    UNION
    SELECT case_id FROM cases WHERE order_id IN (SELECT order_id FROM written_orders)
)
SELECT s.case_id, NOT coalesce(w.is_new, FALSE) AS stored
FROM scoped s LEFT JOIN written_cases w USING (case_id);
