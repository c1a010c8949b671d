-- facts_count_orders: recount the chosen policy's orders per local day, ISO week, category and country from its processing stage items (one per order, cancelled ones included), after its stage items changed: reports then read a few thousand rows, not ten million.
DELETE FROM facts_order_counts WHERE fingerprint = getvariable('facts_fingerprint');
INSERT INTO facts_order_counts
SELECT getvariable('facts_fingerprint'), day, week, category, country, count(*)
FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint') AND stage = 'processing'
GROUP BY ALL;
