-- import_bad_lines: the lines with at least one error and every reason for each, for the rejects file.
SELECT line, string_agg("column" || ' = ' || coalesce('''' || nullif(trim(value), '') || '''', 'blank') || ': ' || reason, '; ' ORDER BY "column") AS reason
FROM import_errors GROUP BY line ORDER BY line;
