-- whatif_baseline_period: the baseline's cases requested on local days $first..$last, from its facts (the views case_facts and case_decisions: stored facts, or decided in memory on a read-only connection): what the replay compares with the scenario, each case's per-case facts with the decision fields they lack.
SELECT f.case_id, f.order_id, f.category, f.country, f.request, f.reason, f.day,
       f.outcome, f.refund_kind, f.refund_due, f.freight_payer, f.freight_paid,
       d.other_costs_payer, d.missing, d.deadlines
FROM case_facts f
JOIN case_decisions d USING (case_id)
WHERE f.day BETWEEN $first AND $last;
