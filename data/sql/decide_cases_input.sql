-- decide_cases_input: every case with the milestones the SLA stages compare, the rowid of its order (NULL when missing) and the order fields only cases need; placed_at, shipped_at, category and country come from decide_orders_input by rowid.
SELECT c.case_id, c.order_id, c.request, c.reason, c.requested_at,
       c.prior_contact, c.has_order_number, c.has_shipping_address, c.has_media, c.correct_use,
       c.replied_at, c.media_received_at, c.customer_shipped_at, c.return_received_at,
       c.replacement_shipped_at, c.refunded_at, c.freight_claimed_at, c.freight_reimbursed_at,
       c.status_updated_at,
       c.refund_amount AS refund_paid, c.freight_amount AS freight_paid,
       o.rowid AS order_rid, o.delivered_at, o.promised_delivery_at,
       CAST(coalesce(o.order_amount, 0) AS DOUBLE) AS order_amount, o.currency
FROM cases c LEFT JOIN orders o USING (order_id);
