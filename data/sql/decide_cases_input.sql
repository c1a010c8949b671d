-- decide_cases_input: every case with its rowid and the milestones the SLA stages compare. Its order's rowid and fields come from decide_case_orders (a narrow join, then put in place by case rowid: a join carrying all these columns cost twice as long), placed_at, shipped_at, category and country from decide_orders_input by order rowid.
SELECT c.rowid AS case_rid, c.case_id, c.order_id, c.request, c.reason, c.requested_at,
       c.prior_contact, c.has_order_number, c.has_shipping_address, c.has_media, c.correct_use,
       c.replied_at, c.media_received_at, c.customer_shipped_at, c.return_received_at,
       c.replacement_shipped_at, c.refunded_at, c.freight_claimed_at, c.freight_reimbursed_at,
       c.status_updated_at,
       c.refund_amount AS refund_paid, c.freight_amount AS freight_paid
FROM cases c;
