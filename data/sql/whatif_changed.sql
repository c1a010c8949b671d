-- whatif_changed: the period's cases whose decision (outcome, refund, payers or missing fields) differs between the baseline and the scenario (whatif_pairs), newest request first, at most $limit rows.
SELECT case_id, order_id, category, country, request, reason, day AS requested_on,
       b_outcome AS outcome_before, s_outcome AS outcome_after,
       CAST(b_refund AS DOUBLE) AS refund_before, CAST(s_refund AS DOUBLE) AS refund_after,
       b_freight AS freight_payer_before, s_freight AS freight_payer_after,
       b_missing AS missing_before, s_missing AS missing_after
FROM pairs
WHERE decision_changed
ORDER BY day DESC, case_id
LIMIT $limit;
