-- facts_evict: keep the stored facts of the $keep policies computed most recently (the chosen one, facts_set_fingerprint, always among them); drop the rest, so trying policies does not grow the file without bound.
CREATE OR REPLACE TEMP TABLE facts_evicted AS
    SELECT fingerprint FROM facts_policies WHERE fingerprint <> getvariable('facts_fingerprint')
    ORDER BY computed_at DESC OFFSET $keep - 1;
DELETE FROM facts_stages WHERE fingerprint IN (SELECT fingerprint FROM facts_evicted);
DELETE FROM facts_case_facts WHERE fingerprint IN (SELECT fingerprint FROM facts_evicted);
DELETE FROM facts_decisions WHERE fingerprint IN (SELECT fingerprint FROM facts_evicted);
DELETE FROM facts_order_counts WHERE fingerprint IN (SELECT fingerprint FROM facts_evicted);
DELETE FROM facts_stage_weeks WHERE fingerprint IN (SELECT fingerprint FROM facts_evicted);
DELETE FROM facts_policies WHERE fingerprint IN (SELECT fingerprint FROM facts_evicted);
