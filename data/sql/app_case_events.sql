-- app_case_events: every timestamp of one case and of its order (the case page's timeline and the
-- done side of each deadline), one row; no row when the case does not exist. All the case's columns
-- (a new milestone needs no edit here), the order's timestamps, country and status.
SELECT c.*, o.placed_at, o.shipped_at, o.delivered_at, o.promised_delivery_at,
       o.country, o.status AS order_status
FROM cases c LEFT JOIN orders o USING (order_id)
WHERE c.case_id = $case_id;
