-- case_lookup: cases whose case id or order id contains $text (case-insensitive; empty: every case), most recently requested first, at most $limit. The matching cases are cut to $limit on their request time and id alone, then read whole and joined to their orders: the first view's latest cases read two columns of the cases, not every case joined to every order.
WITH hits AS (
    SELECT case_id
    FROM cases
    WHERE $text = '' OR contains(lower(case_id), lower($text)) OR contains(lower(order_id), lower($text))
    ORDER BY requested_at DESC, case_id
    LIMIT $limit
)
SELECT c.case_id, c.order_id, c.request, c.reason, c.requested_at, c.agent, c.closed_at,
       o.category, o.country, o.order_amount
FROM hits h JOIN cases c USING (case_id) LEFT JOIN orders o ON o.order_id = c.order_id
ORDER BY c.requested_at DESC, c.case_id;
