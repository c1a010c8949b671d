-- import_errors_all: every bad cell of the import (line, column, value, reason), for ImportResult.errors.
SELECT line, "column", value, reason FROM import_errors ORDER BY line, "column";
