-- import_cases_stage: good rows merged with what is stored (columns the file lacks keep their value; $has_<column> says which it has) into import_write, new or changed rows only.
CREATE OR REPLACE TEMP TABLE import_write AS
WITH good AS (
    SELECT t.* FROM import_typed t WHERE NOT EXISTS (SELECT 1 FROM import_errors e WHERE e.line = t.line)
), merged AS (
    SELECT g.case_id,
           o.case_id IS NULL AS is_new,
           g.order_id,
           g.request,
           CASE WHEN $has_reason OR o.case_id IS NULL THEN g.reason ELSE o.reason END AS reason,
           g.requested_at,
           CASE WHEN $has_prior_contact OR o.case_id IS NULL THEN coalesce(g.prior_contact, TRUE) ELSE o.prior_contact END AS prior_contact,
           CASE WHEN $has_has_order_number OR o.case_id IS NULL THEN coalesce(g.has_order_number, TRUE) ELSE o.has_order_number END AS has_order_number,
           CASE WHEN $has_has_shipping_address OR o.case_id IS NULL THEN coalesce(g.has_shipping_address, TRUE) ELSE o.has_shipping_address END AS has_shipping_address,
           CASE WHEN $has_has_media OR o.case_id IS NULL THEN coalesce(g.has_media, TRUE) ELSE o.has_media END AS has_media,
           CASE WHEN $has_correct_use OR o.case_id IS NULL THEN coalesce(g.correct_use, TRUE) ELSE o.correct_use END AS correct_use,
           CASE WHEN $has_replied_at OR o.case_id IS NULL THEN g.replied_at ELSE o.replied_at END AS replied_at,
           CASE WHEN $has_media_received_at OR o.case_id IS NULL THEN g.media_received_at ELSE o.media_received_at END AS media_received_at,
           CASE WHEN $has_customer_shipped_at OR o.case_id IS NULL THEN g.customer_shipped_at ELSE o.customer_shipped_at END AS customer_shipped_at,
           CASE WHEN $has_return_received_at OR o.case_id IS NULL THEN g.return_received_at ELSE o.return_received_at END AS return_received_at,
           CASE WHEN $has_replacement_shipped_at OR o.case_id IS NULL THEN g.replacement_shipped_at ELSE o.replacement_shipped_at END AS replacement_shipped_at,
           CASE WHEN $has_refunded_at OR o.case_id IS NULL THEN g.refunded_at ELSE o.refunded_at END AS refunded_at,
           CASE WHEN $has_freight_claimed_at OR o.case_id IS NULL THEN g.freight_claimed_at ELSE o.freight_claimed_at END AS freight_claimed_at,
           CASE WHEN $has_freight_reimbursed_at OR o.case_id IS NULL THEN g.freight_reimbursed_at ELSE o.freight_reimbursed_at END AS freight_reimbursed_at,
           CASE WHEN $has_status_updated_at OR o.case_id IS NULL THEN g.status_updated_at ELSE o.status_updated_at END AS status_updated_at,
           CASE WHEN $has_closed_at OR o.case_id IS NULL THEN g.closed_at ELSE o.closed_at END AS closed_at,
           CASE WHEN $has_refund_amount OR o.case_id IS NULL THEN g.refund_amount ELSE o.refund_amount END AS refund_amount,
           CASE WHEN $has_freight_amount OR o.case_id IS NULL THEN g.freight_amount ELSE o.freight_amount END AS freight_amount,
           CASE WHEN $has_agent OR o.case_id IS NULL THEN g.agent ELSE o.agent END AS agent,
           ROW(o.order_id, o.request, o.reason, o.requested_at, o.prior_contact, o.has_order_number, o.has_shipping_address, o.has_media, o.correct_use, o.replied_at, o.media_received_at, o.customer_shipped_at, o.return_received_at, o.replacement_shipped_at, o.refunded_at, o.freight_claimed_at, o.freight_reimbursed_at, o.status_updated_at, o.closed_at, o.refund_amount, o.freight_amount, o.agent) AS old_row
    FROM good g LEFT JOIN cases o ON o.case_id = g.case_id
)
SELECT * EXCLUDE (old_row) FROM merged
WHERE is_new OR ROW(order_id, request, reason, requested_at, prior_contact, has_order_number, has_shipping_address, has_media, correct_use, replied_at, media_received_at, customer_shipped_at, return_received_at, replacement_shipped_at, refunded_at, freight_claimed_at, freight_reimbursed_at, status_updated_at, closed_at, refund_amount, freight_amount, agent) IS DISTINCT FROM old_row;
