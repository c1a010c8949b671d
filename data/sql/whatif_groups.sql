-- whatif_groups: the period's case pairs (whatif_pairs: baseline and scenario decision of each case) grouped finely enough that every figure of the replay (counts, outcome matrix, refund and freight costs) is a sum over a few hundred groups; money summed exactly, then given as DOUBLE.
SELECT b_outcome, s_outcome, b_kind, s_kind, b_freight, s_freight, decision_changed, deadline_changed,
       freight_paid IS NULL AS freight_unknown,
       count(*) AS cases,
       CAST(coalesce(sum(b_refund), 0) AS DOUBLE) AS b_refund,
       CAST(coalesce(sum(s_refund), 0) AS DOUBLE) AS s_refund,
       CAST(coalesce(sum(freight_paid), 0) AS DOUBLE) AS freight_paid
FROM pairs
GROUP BY ALL;
