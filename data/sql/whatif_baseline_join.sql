-- whatif_baseline_join: the baseline's per-case facts (b_facts) with the decision columns they lack from its decision table (b_cases), by case id; used only if the two ever come in different row orders.
SELECT f.*, c.* EXCLUDE (case_id, outcome, refund_kind, refund_due, freight_payer)
FROM b_facts f
JOIN b_cases c USING (case_id);
