-- whatif_cases_input: the cases a what-if scenario decides, those requested from $from to before $to (UTC instants a day beyond the period's local dates, so the period's cases are all here whatever either policy's time zone), with their rowid and decide_cases_input's columns; their orders' fields come from whatif_case_orders by case rowid (a narrow join: carrying all these columns through the join cost half as much again). Found by their request time, where the stored facts' path (decide_*_scope) finds cases by id.
SELECT c.rowid AS case_rid, c.* EXCLUDE (refund_amount, freight_amount, agent),
       c.refund_amount AS refund_paid, c.freight_amount AS freight_paid
FROM cases c
WHERE c.requested_at >= $from AND c.requested_at < $to;
