-- whatif_scope_cases: the cases a what-if scenario decides, with their order: those requested from $from to before $to (UTC instants a day beyond the period's local dates, so the period's cases are all here whatever either policy's time zone; the comparison then keeps those whose local request day falls in the period).
SELECT case_id, order_id
FROM cases
WHERE requested_at >= $from AND requested_at < $to;
