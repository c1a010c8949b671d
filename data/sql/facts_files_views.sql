-- facts_files_views: the names every report query reads (stage_facts, case_facts, case_decisions, order_counts), as this cursor's views over a facts folder's Parquet tables (registered as facts_files_<table> by data/facts_files.py, typed as declared there); case_decisions without the week its files are partitioned by, so every view has the columns of facts_views.sql's.
CREATE OR REPLACE TEMP VIEW stage_facts AS SELECT * FROM facts_files_stage_facts;
CREATE OR REPLACE TEMP VIEW case_facts AS SELECT * FROM facts_files_case_facts;
CREATE OR REPLACE TEMP VIEW case_decisions AS SELECT * EXCLUDE (week) FROM facts_files_case_decisions;
CREATE OR REPLACE TEMP VIEW order_counts AS SELECT * FROM facts_files_order_counts;
