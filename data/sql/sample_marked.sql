-- sample_marked: the date the built-in sample data was written into this database, if it was.
SELECT value FROM meta WHERE key = 'sample_data';
