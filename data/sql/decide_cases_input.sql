-- decide_cases_input: every case joined to its order: the input decide_frame reads (policy-spec section 3) plus the milestones the SLA stages compare.
SELECT c.case_id, c.order_id, c.request, c.reason, c.requested_at,
       c.prior_contact, c.has_order_number, c.has_shipping_address, c.has_media, c.correct_use,
       c.replied_at, c.media_received_at, c.customer_shipped_at, c.return_received_at,
       c.replacement_shipped_at, c.refunded_at, c.freight_claimed_at, c.freight_reimbursed_at,
       c.status_updated_at, c.closed_at,
       c.refund_amount AS refund_paid, c.freight_amount AS freight_paid,
       o.placed_at, o.shipped_at, o.delivered_at, o.promised_delivery_at,
       CAST(coalesce(o.order_amount, 0) AS DOUBLE) AS order_amount, o.currency,
       coalesce(o.category, 'unknown') AS category, coalesce(o.country, 'unknown') AS country
FROM cases c LEFT JOIN orders o USING (order_id);
