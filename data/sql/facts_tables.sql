-- facts_tables: create the stored fact tables (stage items, case facts, case decisions, settled totals per week and stage (facts_stage_weeks), orders per day/week/category/country), each keyed by the policy fingerprint, with the columns of the declared batch schemas (data/facts.py) registered as new_stages, new_case_facts, new_decisions. Idempotent.
CREATE TABLE IF NOT EXISTS facts_stages AS SELECT CAST(NULL AS VARCHAR) AS fingerprint, * FROM new_stages LIMIT 0;
CREATE TABLE IF NOT EXISTS facts_case_facts AS SELECT CAST(NULL AS VARCHAR) AS fingerprint, * FROM new_case_facts LIMIT 0;
CREATE TABLE IF NOT EXISTS facts_decisions AS SELECT CAST(NULL AS VARCHAR) AS fingerprint, * FROM new_decisions LIMIT 0;
CREATE TABLE IF NOT EXISTS facts_stage_weeks (
    fingerprint VARCHAR, week DATE, stage VARCHAR, met BIGINT, breached BIGINT, p50_hours DOUBLE, p90_hours DOUBLE,
    first_day DATE, last_day DATE, settled_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS facts_order_counts (
    fingerprint VARCHAR, day DATE, week DATE, category VARCHAR, country VARCHAR, orders BIGINT
);
