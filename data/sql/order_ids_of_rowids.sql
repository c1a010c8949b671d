-- order_ids_of_rowids: the ids of the orders whose rowids are in $rids, in that order (to name an order that cannot be decided when a query read only rowids).
SELECT o.order_id
FROM unnest($rids) WITH ORDINALITY AS r(rid, n)
JOIN orders o ON o.rowid = r.rid
ORDER BY r.n;
