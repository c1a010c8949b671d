-- facts_delete_scope: drop the chosen policy's stored facts of the orders in scope_orders whose processing stage is decided again (redecide and stored) and of the cases in scope_cases (stored: their stages, facts and decision), before they are decided again. First notes, negated, the order counts the dropped processing facts held (facts_count_change), so facts_count_orders_change adjusts only those groups instead of recounting every order; and the weeks the dropped stage items were in plus the weeks of the new ones (new_stages), whose totals facts_stage_weeks.sql recomputes.
CREATE OR REPLACE TEMP TABLE facts_count_change AS
SELECT day, week, category, country, -count(*) AS orders FROM facts_stages
WHERE fingerprint = getvariable('facts_fingerprint') AND stage = 'processing'
    AND item_id IN (SELECT order_id FROM scope_orders WHERE redecide AND stored)
GROUP BY ALL;
CREATE OR REPLACE TEMP TABLE facts_touched_weeks AS
    SELECT DISTINCT week FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint')
        AND ((stage = 'processing' AND item_id IN (SELECT order_id FROM scope_orders WHERE redecide AND stored))
             OR (stage <> 'processing' AND item_id IN (SELECT case_id FROM scope_cases WHERE stored)))
    UNION SELECT DISTINCT week FROM new_stages;
DELETE FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint') AND stage = 'processing'
    AND item_id IN (SELECT order_id FROM scope_orders WHERE redecide AND stored);
DELETE FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint') AND stage <> 'processing'
    AND item_id IN (SELECT case_id FROM scope_cases WHERE stored);
DELETE FROM facts_case_facts WHERE fingerprint = getvariable('facts_fingerprint')
    AND case_id IN (SELECT case_id FROM scope_cases WHERE stored);
DELETE FROM facts_decisions WHERE fingerprint = getvariable('facts_fingerprint')
    AND case_id IN (SELECT case_id FROM scope_cases WHERE stored);
