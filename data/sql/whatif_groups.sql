-- whatif_groups: the period's cases (baseline b_all, requested in the period: whatif_baseline_period, joined to the scenario's decisions s_cases), grouped finely enough that every figure of the replay (counts, outcome matrix, refund and freight costs) is a sum over a few hundred groups. A decision changed when outcome, refund, payers or missing fields differ; deadline_changed when any deadline moved (``deadlines``: every deadline as one struct).
SELECT CAST(b.outcome AS VARCHAR) AS b_outcome, CAST(s.outcome AS VARCHAR) AS s_outcome,
       CAST(b.refund_kind AS VARCHAR) AS b_kind, CAST(s.refund_kind AS VARCHAR) AS s_kind,
       CAST(b.freight_payer AS VARCHAR) AS b_freight, CAST(s.freight_payer AS VARCHAR) AS s_freight,
       (b.outcome IS DISTINCT FROM s.outcome OR b.refund_kind IS DISTINCT FROM s.refund_kind
        OR b.refund_due IS DISTINCT FROM s.refund_due OR b.freight_payer IS DISTINCT FROM s.freight_payer
        OR b.other_costs_payer IS DISTINCT FROM s.other_costs_payer OR b.missing IS DISTINCT FROM s.missing)
           AS decision_changed,
       b.deadlines IS DISTINCT FROM s.deadlines AS deadline_changed,
       b.freight_paid IS NULL AS freight_unknown,
       count(*) AS cases,
       coalesce(sum(CAST(b.refund_due AS DOUBLE)), 0) AS b_refund,
       coalesce(sum(CAST(s.refund_due AS DOUBLE)), 0) AS s_refund,
       coalesce(sum(CAST(b.freight_paid AS DOUBLE)), 0) AS freight_paid
FROM b_all b
JOIN s_cases s USING (case_id)
GROUP BY ALL;
