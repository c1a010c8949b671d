-- decide_cases_input_scope: decide_cases_input for the cases in scope_cases only.
SELECT c.rowid AS case_rid, c.* EXCLUDE (refund_amount, freight_amount, agent),
       c.refund_amount AS refund_paid, c.freight_amount AS freight_paid
FROM cases c WHERE c.case_id IN (SELECT case_id FROM scope_cases);
