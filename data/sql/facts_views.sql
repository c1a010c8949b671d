-- facts_views: the names every report query reads (stage_facts, case_facts, case_decisions, stage_weeks, order_counts), as this cursor's views over the stored facts of the policy facts_set_fingerprint chose. order_counts: orders per local day, ISO week, category and country (facts_count_orders).
CREATE OR REPLACE TEMP VIEW stage_facts AS
    SELECT * EXCLUDE (fingerprint) FROM facts_stages WHERE fingerprint = getvariable('facts_fingerprint');
CREATE OR REPLACE TEMP VIEW case_facts AS
    SELECT * EXCLUDE (fingerprint) FROM facts_case_facts WHERE fingerprint = getvariable('facts_fingerprint');
CREATE OR REPLACE TEMP VIEW case_decisions AS
    SELECT * EXCLUDE (fingerprint) FROM facts_decisions WHERE fingerprint = getvariable('facts_fingerprint');
CREATE OR REPLACE TEMP VIEW stage_weeks AS
    SELECT * EXCLUDE (fingerprint) FROM facts_stage_weeks WHERE fingerprint = getvariable('facts_fingerprint');
CREATE OR REPLACE TEMP VIEW order_counts AS
    SELECT * EXCLUDE (fingerprint) FROM facts_order_counts WHERE fingerprint = getvariable('facts_fingerprint');
