-- whatif_case_orders: for each case of whatif_cases_input (requested from $from to before $to) whose order is known, the case's rowid and every order field the decide step reads for a case (decide_case_orders' and decide_orders_input's placed_at, shipped_at, category, country).
SELECT c.rowid AS case_rid, o.delivered_at, o.promised_delivery_at,
       CAST(coalesce(o.order_amount, 0) AS DOUBLE) AS order_amount, o.currency,
       o.placed_at, o.shipped_at, coalesce(o.category, 'unknown') AS category, coalesce(o.country, 'unknown') AS country
FROM cases c
JOIN orders o USING (order_id)
WHERE c.requested_at >= $from AND c.requested_at < $to;
