-- app_case_events: every timestamp of one case and of its order (the case page's timeline and the
-- done side of each deadline), one row; no row when the case does not exist.
SELECT c.case_id, c.order_id,
       o.placed_at, o.shipped_at, o.delivered_at, o.promised_delivery_at,
       c.requested_at, c.replied_at, c.media_received_at, c.customer_shipped_at,
       c.return_received_at, c.replacement_shipped_at, c.refunded_at, c.freight_claimed_at,
       c.freight_reimbursed_at, c.status_updated_at, c.closed_at,
       c.refund_amount, c.freight_amount, c.agent, o.country, o.status AS order_status
FROM cases c LEFT JOIN orders o USING (order_id)
WHERE c.case_id = $case_id;
