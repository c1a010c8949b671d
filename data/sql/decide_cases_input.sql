-- decide_cases_input: every case with its rowid, what the engine reads and every milestone the SLA stages compare (all columns but the amounts and the agent, so a new milestone needs no edit here). Its order's rowid and fields come from decide_case_orders (a narrow join, then put in place by case rowid: a join carrying all these columns cost twice as long), placed_at, shipped_at, category and country from decide_orders_input by order rowid.
SELECT c.rowid AS case_rid, c.* EXCLUDE (refund_amount, freight_amount, agent),
       c.refund_amount AS refund_paid, c.freight_amount AS freight_paid
FROM cases c;
