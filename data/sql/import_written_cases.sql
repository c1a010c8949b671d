-- import_written_cases: the case ids an import writes (import_write), whose stored facts it decides again.
SELECT case_id FROM import_write;
