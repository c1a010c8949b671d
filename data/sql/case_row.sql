-- case_row: one case with its order's fields, as policy.decide reads a case (policy-spec section 3).
SELECT c.case_id, c.order_id, o.order_amount, o.currency, o.category,
       o.placed_at, o.shipped_at, o.delivered_at, o.promised_delivery_at,
       c.request, c.reason, c.requested_at, c.prior_contact,
       c.has_order_number, c.has_shipping_address, c.has_media, c.correct_use,
       c.replied_at, c.media_received_at, c.return_received_at, c.freight_claimed_at
FROM cases c LEFT JOIN orders o USING (order_id)
WHERE c.case_id = $case_id;
