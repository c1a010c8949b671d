-- sample_insert_cases: copy the generated sample cases (Arrow table sample_cases) into cases. A plain INSERT: the sample goes into a database without its ids (load_sample), and INSERT OR REPLACE, checking every row for one to replace, took DuckDB twice the memory and time (3M orders).
INSERT INTO cases
SELECT case_id, order_id, request, reason, requested_at,
       prior_contact, has_order_number, has_shipping_address, has_media, correct_use,
       replied_at, media_received_at, customer_shipped_at, return_received_at,
       replacement_shipped_at, refunded_at, freight_claimed_at, freight_reimbursed_at,
       status_updated_at, closed_at,
       CAST(refund_amount AS DECIMAL(12,2)), CAST(freight_amount AS DECIMAL(12,2)), agent
FROM sample_cases;
