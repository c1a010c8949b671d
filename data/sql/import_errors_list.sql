-- import_errors_list: the first $limit errors and the total count, for the message shown to a person.
SELECT line, "column", value, reason, count(*) OVER () AS total FROM import_errors ORDER BY line, "column" LIMIT $limit;
