-- facts_delete_all: drop every stored fact of the chosen policy (facts_set_fingerprint) before it is stored afresh; every week of the new stage items gets its totals recomputed (facts_stage_weeks.sql).
DELETE FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint');
DELETE FROM facts_case_facts WHERE fingerprint = getvariable('facts_fingerprint');
DELETE FROM facts_decisions WHERE fingerprint = getvariable('facts_fingerprint');
DELETE FROM facts_stage_weeks WHERE fingerprint = getvariable('facts_fingerprint');
CREATE OR REPLACE TEMP TABLE facts_touched_weeks AS SELECT DISTINCT week FROM new_stages;
