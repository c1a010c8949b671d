-- decide_case_orders_scope: decide_case_orders for the cases in scope_cases only.
SELECT c.rowid AS case_rid, o.rowid AS order_rid, o.delivered_at, o.promised_delivery_at,
       CAST(coalesce(o.order_amount, 0) AS DOUBLE) AS order_amount, o.currency
FROM cases c
JOIN orders o USING (order_id)
WHERE c.case_id IN (SELECT case_id FROM scope_cases);
