-- import_cases_errors: one row per bad cell of import_src/import_typed (line, column, value, reason) into import_errors; $dec_comma: amounts use a decimal comma; $requests/$reasons list the allowed values.
CREATE OR REPLACE TEMP TABLE import_errors AS
WITH j AS MATERIALIZED (SELECT s.*, t.case_id AS p_case_id, t.order_id AS p_order_id, t.request AS p_request, t.reason AS p_reason, t.requested_at AS p_requested_at, t.replied_at AS p_replied_at, t.media_received_at AS p_media_received_at, t.customer_shipped_at AS p_customer_shipped_at, t.return_received_at AS p_return_received_at, t.replacement_shipped_at AS p_replacement_shipped_at, t.refunded_at AS p_refunded_at, t.freight_claimed_at AS p_freight_claimed_at, t.freight_reimbursed_at AS p_freight_reimbursed_at, t.status_updated_at AS p_status_updated_at, t.closed_at AS p_closed_at, t.prior_contact AS p_prior_contact, t.has_order_number AS p_has_order_number, t.has_shipping_address AS p_has_shipping_address, t.has_media AS p_has_media, t.correct_use AS p_correct_use, t.refund_amount AS p_refund_amount, t.freight_amount AS p_freight_amount,
                  t.order_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = t.order_id) AS unknown_order
           FROM import_src s JOIN import_typed t USING (line)),
     dup AS (SELECT case_id, min(line) AS first_line FROM import_typed WHERE case_id IS NOT NULL GROUP BY case_id HAVING count(*) > 1)
SELECT line, 'case_id' AS "column", case_id AS value, 'required' AS reason FROM j WHERE p_case_id IS NULL
UNION ALL SELECT j.line, 'case_id', j.case_id, 'duplicate key, first on line ' || d.first_line FROM j JOIN dup d ON d.case_id = j.p_case_id WHERE j.line > d.first_line
UNION ALL SELECT line, 'order_id', order_id, 'required' FROM j WHERE p_order_id IS NULL
UNION ALL SELECT line, 'order_id', order_id, 'no such order (import the orders first)' FROM j WHERE unknown_order
UNION ALL SELECT line, 'request', request, 'required' FROM j WHERE p_request IS NULL
UNION ALL SELECT line, 'request', request, 'not one of ' || array_to_string($requests, ', ') FROM j WHERE p_request IS NOT NULL AND NOT list_contains($requests, p_request)
UNION ALL SELECT line, 'reason', reason, 'not one of ' || array_to_string($reasons, ', ') FROM j WHERE p_reason IS NOT NULL AND NOT list_contains($reasons, p_reason)
UNION ALL SELECT line, 'reason', reason, 'required for ' || p_request FROM j WHERE p_reason IS NULL AND p_request IN ('refund', 'exchange')
UNION ALL SELECT line, 'requested_at', requested_at, 'required' FROM j WHERE rd_blank(requested_at) IS NULL
UNION ALL SELECT line, 'requested_at', requested_at, $ts_hint FROM j WHERE rd_bad(requested_at, p_requested_at)
UNION ALL SELECT line, 'replied_at', replied_at, $ts_hint FROM j WHERE rd_bad(replied_at, p_replied_at)
UNION ALL SELECT line, 'replied_at', replied_minutes, 'not a number of minutes after requested_at' FROM j WHERE rd_bad(replied_minutes, rd_minutes(replied_minutes))
UNION ALL SELECT line, 'media_received_at', media_received_at, $ts_hint FROM j WHERE rd_bad(media_received_at, p_media_received_at)
UNION ALL SELECT line, 'customer_shipped_at', customer_shipped_at, $ts_hint FROM j WHERE rd_bad(customer_shipped_at, p_customer_shipped_at)
UNION ALL SELECT line, 'return_received_at', return_received_at, $ts_hint FROM j WHERE rd_bad(return_received_at, p_return_received_at)
UNION ALL SELECT line, 'replacement_shipped_at', replacement_shipped_at, $ts_hint FROM j WHERE rd_bad(replacement_shipped_at, p_replacement_shipped_at)
UNION ALL SELECT line, 'refunded_at', refunded_at, $ts_hint FROM j WHERE rd_bad(refunded_at, p_refunded_at)
UNION ALL SELECT line, 'freight_claimed_at', freight_claimed_at, $ts_hint FROM j WHERE rd_bad(freight_claimed_at, p_freight_claimed_at)
UNION ALL SELECT line, 'freight_reimbursed_at', freight_reimbursed_at, $ts_hint FROM j WHERE rd_bad(freight_reimbursed_at, p_freight_reimbursed_at)
UNION ALL SELECT line, 'status_updated_at', status_updated_at, $ts_hint FROM j WHERE rd_bad(status_updated_at, p_status_updated_at)
UNION ALL SELECT line, 'closed_at', closed_at, $ts_hint FROM j WHERE rd_bad(closed_at, p_closed_at)
UNION ALL SELECT line, 'prior_contact', prior_contact, 'not true/false (yes/no, 1/0)' FROM j WHERE rd_bad(prior_contact, p_prior_contact)
UNION ALL SELECT line, 'has_order_number', has_order_number, 'not true/false (yes/no, 1/0)' FROM j WHERE rd_bad(has_order_number, p_has_order_number)
UNION ALL SELECT line, 'has_shipping_address', has_shipping_address, 'not true/false (yes/no, 1/0)' FROM j WHERE rd_bad(has_shipping_address, p_has_shipping_address)
UNION ALL SELECT line, 'has_media', has_media, 'not true/false (yes/no, 1/0)' FROM j WHERE rd_bad(has_media, p_has_media)
UNION ALL SELECT line, 'correct_use', correct_use, 'not true/false (yes/no, 1/0)' FROM j WHERE rd_bad(correct_use, p_correct_use)
UNION ALL SELECT line, 'refund_amount', refund_amount, rd_money_reason(refund_amount, $dec_comma) FROM j WHERE rd_bad(refund_amount, p_refund_amount)
UNION ALL SELECT line, 'refund_amount', refund_amount, 'negative amount' FROM j WHERE p_refund_amount < 0
UNION ALL SELECT line, 'freight_amount', freight_amount, rd_money_reason(freight_amount, $dec_comma) FROM j WHERE rd_bad(freight_amount, p_freight_amount)
UNION ALL SELECT line, 'freight_amount', freight_amount, 'negative amount' FROM j WHERE p_freight_amount < 0
UNION ALL SELECT line, 'requested_at', requested_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_requested_at)
UNION ALL SELECT line, 'replied_at', replied_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_replied_at)
UNION ALL SELECT line, 'media_received_at', media_received_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_media_received_at)
UNION ALL SELECT line, 'customer_shipped_at', customer_shipped_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_customer_shipped_at)
UNION ALL SELECT line, 'return_received_at', return_received_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_return_received_at)
UNION ALL SELECT line, 'replacement_shipped_at', replacement_shipped_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_replacement_shipped_at)
UNION ALL SELECT line, 'refunded_at', refunded_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_refunded_at)
UNION ALL SELECT line, 'freight_claimed_at', freight_claimed_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_freight_claimed_at)
UNION ALL SELECT line, 'freight_reimbursed_at', freight_reimbursed_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_freight_reimbursed_at)
UNION ALL SELECT line, 'status_updated_at', status_updated_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_status_updated_at)
UNION ALL SELECT line, 'closed_at', closed_at, 'year outside 2000..2069 in some time zone (the policy calendar)' FROM j WHERE rd_year_bad(p_closed_at);
