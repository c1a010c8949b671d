-- sla_rule: the status of one SLA stage item (data-contract.md, "SLA stages"), the one definition every SLA query uses: met when done <= due; breached when done > due, or not done and as_of past due; pending otherwise. A milestone recorded after as_of had not happened yet at as_of. NULL when no deadline applies. policy/sla_rule.py is the same rule for one case; tests/test_sla_rule.py runs both on one table of boundary cases.
CREATE OR REPLACE TEMP MACRO sla_status(due, done, as_of) AS
    CASE WHEN due IS NULL THEN NULL
         WHEN done <= as_of AND done <= due THEN 'met'
         WHEN done <= as_of THEN 'breached'
         WHEN as_of > due THEN 'breached'
         ELSE 'pending' END;
