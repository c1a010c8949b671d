-- facts_delete_scope: drop the chosen policy's facts of the orders in scope_orders (their processing stage) and the cases in scope_cases (their stages, facts and decision), before they are decided again; the weeks their stage items were in and the weeks of the new ones (new_stages) get their totals recomputed (facts_stage_weeks.sql).
CREATE OR REPLACE TEMP TABLE facts_touched_weeks AS
    SELECT DISTINCT week FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint')
        AND ((stage = 'processing' AND item_id IN (SELECT order_id FROM scope_orders))
             OR (stage <> 'processing' AND item_id IN (SELECT case_id FROM scope_cases)))
    UNION SELECT DISTINCT week FROM new_stages;
DELETE FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint') AND stage = 'processing'
    AND item_id IN (SELECT order_id FROM scope_orders);
DELETE FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint') AND stage <> 'processing'
    AND item_id IN (SELECT case_id FROM scope_cases);
DELETE FROM facts_case_facts WHERE fingerprint = getvariable('facts_fingerprint')
    AND case_id IN (SELECT case_id FROM scope_cases);
DELETE FROM facts_decisions WHERE fingerprint = getvariable('facts_fingerprint')
    AND case_id IN (SELECT case_id FROM scope_cases);
