-- session_settings: give freed memory back to the system early (a 10M-order report peaks ~0.4 GB lower).
SET allocator_flush_threshold = '128MB';
