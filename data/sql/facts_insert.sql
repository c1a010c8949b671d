-- facts_insert: store decided batches (new_stages, new_case_facts, new_decisions) under the chosen policy (facts_set_fingerprint).
INSERT INTO facts_stages SELECT getvariable('facts_fingerprint'), * FROM new_stages;
INSERT INTO facts_case_facts SELECT getvariable('facts_fingerprint'), * FROM new_case_facts;
INSERT INTO facts_decisions SELECT getvariable('facts_fingerprint'), * FROM new_decisions;
