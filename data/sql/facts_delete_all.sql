-- facts_delete_all: drop every stored fact of the chosen policy (facts_set_fingerprint) before it is stored afresh (its weeks' totals: facts_touched_all_weeks.sql once the new items are in).
DELETE FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint');
DELETE FROM facts_case_facts WHERE fingerprint = getvariable('facts_fingerprint');
DELETE FROM facts_decisions WHERE fingerprint = getvariable('facts_fingerprint');
DELETE FROM facts_stage_weeks WHERE fingerprint = getvariable('facts_fingerprint');
