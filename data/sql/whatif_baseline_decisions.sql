-- whatif_baseline_decisions: the baseline's decision (case_decisions) of each case the replay pairs (s_keys: case_id and the case's position pos among the scenario's decisions): the one join on text ids of the comparison, built on the narrow keys alone (carrying the scenario's columns through it cost twice as much); whatif_pairs then lines both up by position.
SELECT k.pos, b.outcome, b.refund_kind, b.freight_payer, b.other_costs_payer, b.missing, b.refund_due, b.deadlines
FROM s_keys k
JOIN case_decisions b USING (case_id);
