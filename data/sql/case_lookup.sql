-- case_lookup: cases whose case id or order id contains $text (case-insensitive), most recently requested first, at most $limit.
SELECT c.case_id, c.order_id, c.request, c.reason, c.requested_at, c.agent, c.closed_at,
       o.category, o.country, o.order_amount
FROM cases c LEFT JOIN orders o USING (order_id)
WHERE contains(lower(c.case_id), lower($text)) OR contains(lower(c.order_id), lower($text))
ORDER BY c.requested_at DESC, c.case_id
LIMIT $limit;
