-- decide_case_orders: for each case whose order is known, the case's rowid, its order's rowid and the order fields only cases need (cases without a known order have no row).
SELECT c.rowid AS case_rid, o.rowid AS order_rid, o.delivered_at, o.promised_delivery_at,
       CAST(coalesce(o.order_amount, 0) AS DOUBLE) AS order_amount, o.currency
FROM cases c
JOIN orders o USING (order_id);
