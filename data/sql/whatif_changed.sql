-- whatif_changed: the period's cases whose decision (outcome, refund, payers, missing fields) differs between the baseline (b_all, requested in the period: whatif_baseline_period) and the scenario (s_cases), newest request first, at most $limit rows.
SELECT b.case_id, b.order_id, b.category, b.country, b.request, b.reason, b.day AS requested_on,
       CAST(b.outcome AS VARCHAR) AS outcome_before, CAST(s.outcome AS VARCHAR) AS outcome_after,
       CAST(b.refund_due AS DOUBLE) AS refund_before, CAST(s.refund_due AS DOUBLE) AS refund_after,
       CAST(b.freight_payer AS VARCHAR) AS freight_payer_before,
       CAST(s.freight_payer AS VARCHAR) AS freight_payer_after,
       CAST(b.missing AS VARCHAR) AS missing_before, CAST(s.missing AS VARCHAR) AS missing_after
FROM b_all b
JOIN s_cases s USING (case_id)
WHERE (b.outcome IS DISTINCT FROM s.outcome OR b.refund_kind IS DISTINCT FROM s.refund_kind
       OR b.refund_due IS DISTINCT FROM s.refund_due OR b.freight_payer IS DISTINCT FROM s.freight_payer
       OR b.other_costs_payer IS DISTINCT FROM s.other_costs_payer OR b.missing IS DISTINCT FROM s.missing)
ORDER BY b.day DESC, b.case_id
LIMIT $limit;
