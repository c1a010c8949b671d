-- access_mode_writable: whether this connection may write (a read-only one cannot store facts).
SELECT current_setting('access_mode') <> 'read_only';
