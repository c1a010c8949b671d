-- import_macros: parsing helpers for imported text cells (blank -> NULL; unreadable -> NULL, flagged by the *_errors queries).
-- rd_ts: a timestamp with an explicit offset keeps it; one without is read in `zone`, with `fmt` (strftime) or ISO 8601 when fmt is NULL,
-- by rd_wall_clock (data/timestamps.py: the policy engine's one reading of a naive time; DuckDB's timezone() reads a repeated hour differently).
CREATE OR REPLACE TEMP MACRO rd_blank(raw) AS nullif(trim(raw), '');
CREATE OR REPLACE TEMP MACRO rd_ts(raw, fmt, zone) AS
    CASE
        WHEN rd_blank(raw) IS NULL THEN NULL
        WHEN regexp_matches(trim(raw), '\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d(:?\d\d)?)$')
            THEN TRY_CAST(trim(raw) AS TIMESTAMPTZ)
        WHEN fmt IS NULL THEN rd_wall_clock(TRY_CAST(trim(raw) AS TIMESTAMP), zone)
        ELSE rd_wall_clock(try_strptime(trim(raw), fmt), zone)
    END;
CREATE OR REPLACE TEMP MACRO rd_money(raw) AS TRY_CAST(replace(rd_blank(raw), ',', '') AS DECIMAL(12,2));
CREATE OR REPLACE TEMP MACRO rd_bool(raw) AS
    CASE lower(rd_blank(raw))
        WHEN 'true' THEN TRUE WHEN 't' THEN TRUE WHEN 'yes' THEN TRUE WHEN 'y' THEN TRUE WHEN '1' THEN TRUE
        WHEN 'false' THEN FALSE WHEN 'f' THEN FALSE WHEN 'no' THEN FALSE WHEN 'n' THEN FALSE WHEN '0' THEN FALSE
    END;
-- rd_year_bad: a parsed timestamp outside the policy calendar's years 2000..2069
CREATE OR REPLACE TEMP MACRO rd_year_bad(parsed) AS parsed IS NOT NULL AND (parsed < TIMESTAMPTZ '2000-01-01 00:00:00+00' OR parsed >= TIMESTAMPTZ '2070-01-01 00:00:00+00');
-- rd_bad: a cell that is not blank but did not parse
CREATE OR REPLACE TEMP MACRO rd_bad(raw, parsed) AS rd_blank(raw) IS NOT NULL AND parsed IS NULL;
