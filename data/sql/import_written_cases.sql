-- import_written_cases: the cases an import writes (import_write), whose stored facts it decides again: is_new (no fact stored yet).
SELECT case_id, is_new FROM import_write;
