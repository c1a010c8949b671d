-- facts_touched_all_weeks: after the chosen policy's facts were stored from scratch (facts_delete_all, then facts_insert batch by batch), every week of its stage items gets its totals computed (facts_stage_weeks.sql).
CREATE OR REPLACE TEMP TABLE facts_touched_weeks AS
    SELECT DISTINCT week FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint');
