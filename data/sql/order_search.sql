-- order_search: orders whose id contains $text (case-insensitive) and that have no case (those with one are found through their cases), most recently placed first, at most $limit.
SELECT o.order_id, o.placed_at, o.category, o.country, o.order_amount, o.currency
FROM orders o
WHERE contains(lower(o.order_id), lower($text))
  AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.order_id = o.order_id)
ORDER BY o.placed_at DESC, o.order_id
LIMIT $limit;
