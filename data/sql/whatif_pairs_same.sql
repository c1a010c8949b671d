-- whatif_pairs_same: the rows of the view pairs (whatif_pairs; the caller registers them as pairs) when the scenario is the baseline (the page's first view): the baseline's cases requested on local days $first..$last from its case_facts, each paired with itself (nothing decided, nothing changed, no join).
SELECT case_id, order_id, category, country, request, reason, day,
       CAST(outcome AS VARCHAR) AS b_outcome, CAST(outcome AS VARCHAR) AS s_outcome,
       CAST(refund_kind AS VARCHAR) AS b_kind, CAST(refund_kind AS VARCHAR) AS s_kind,
       CAST(freight_payer AS VARCHAR) AS b_freight, CAST(freight_payer AS VARCHAR) AS s_freight,
       CAST(NULL AS VARCHAR) AS b_missing, CAST(NULL AS VARCHAR) AS s_missing,
       refund_due AS b_refund, refund_due AS s_refund, freight_paid,
       FALSE AS decision_changed, FALSE AS deadline_changed
FROM case_facts
WHERE day BETWEEN $first AND $last;
