-- whatif_pairs: the view pairs, each case of the period with its decision under the baseline (b_cases: whatif_baseline_decisions put in the scenario's row order) and under the scenario (s_cases: the scenario's decisions of the cases requested on local days of the period in the baseline's zone, b_day, with the case's fields whatif_changed shows), lined up by position; whatif_groups and whatif_changed read it. decision_changed: outcome, refund, payers or missing fields differ; deadline_changed: any deadline moved (``deadlines``: every deadline as one struct).
CREATE OR REPLACE TEMP VIEW pairs AS
SELECT s.case_id, s.order_id, s.category, s.country, s.request, s.reason, s.b_day AS day,
       CAST(b.outcome AS VARCHAR) AS b_outcome, CAST(s.outcome AS VARCHAR) AS s_outcome,
       CAST(b.refund_kind AS VARCHAR) AS b_kind, CAST(s.refund_kind AS VARCHAR) AS s_kind,
       CAST(b.freight_payer AS VARCHAR) AS b_freight, CAST(s.freight_payer AS VARCHAR) AS s_freight,
       CAST(b.missing AS VARCHAR) AS b_missing, CAST(s.missing AS VARCHAR) AS s_missing,
       b.refund_due AS b_refund, s.refund_due AS s_refund, s.freight_paid,
       (b.outcome IS DISTINCT FROM s.outcome OR b.refund_kind IS DISTINCT FROM s.refund_kind
        OR b.refund_due IS DISTINCT FROM s.refund_due OR b.freight_payer IS DISTINCT FROM s.freight_payer
        OR b.other_costs_payer IS DISTINCT FROM s.other_costs_payer OR b.missing IS DISTINCT FROM s.missing)
           AS decision_changed,
       b.deadlines IS DISTINCT FROM s.deadlines AS deadline_changed
FROM s_cases s
POSITIONAL JOIN b_cases b;
