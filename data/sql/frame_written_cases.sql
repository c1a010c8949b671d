-- frame_written_cases: the case ids insert_frame writes (frame_rows).
SELECT case_id FROM frame_rows;
