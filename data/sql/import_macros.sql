-- import_macros: parsing helpers for imported text cells (blank -> NULL; unreadable -> NULL, flagged by the *_errors queries).
-- rd_ts: a timestamp with an explicit offset keeps it (+08:00, +0800 or +08, also after a space as Shopify writes
-- '2024-03-01 10:15:32 +0800'); one without is read in `zone`, with `fmt` (strftime) or ISO 8601 when fmt is NULL,
-- by rd_wall_clock (data/timestamps.py: the policy engine's one reading of a naive time; DuckDB's timezone() reads a repeated hour differently).
CREATE OR REPLACE TEMP MACRO rd_blank(raw) AS nullif(trim(raw), '');
CREATE OR REPLACE TEMP MACRO rd_ts(raw, fmt, zone) AS
    CASE
        WHEN rd_blank(raw) IS NULL THEN NULL
        WHEN regexp_matches(trim(raw), '\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d(:?\d\d)?)$')
            THEN coalesce(TRY_CAST(trim(raw) AS TIMESTAMPTZ),  -- the rewrite only for what the cast cannot read
                          TRY_CAST(regexp_replace(trim(raw), '\s*([+-]\d\d):?(\d\d)$', '\1:\2') AS TIMESTAMPTZ))
        WHEN fmt IS NULL THEN rd_wall_clock(TRY_CAST(trim(raw) AS TIMESTAMP), zone)
        ELSE rd_wall_clock(try_strptime(trim(raw), fmt), zone)
    END;
-- rd_amount_text: an amount's text as '1234.56', or NULL when it does not follow the file's convention. With dec_comma
-- the decimal mark is ',' and thousands may be grouped by '.', a space, a no-break or narrow no-break space or an
-- apostrophe (one kind per value); otherwise the mark is '.' and a comma must group thousands (1,234.50), so
-- '12,50' or '1.234,56' are refused rather than read as 1250 or 1.23.
CREATE OR REPLACE TEMP MACRO rd_amount_text(raw, dec_comma) AS
    CASE
        WHEN rd_blank(raw) IS NULL THEN NULL
        WHEN dec_comma THEN
            CASE WHEN regexp_full_match(trim(raw), '[+-]?(\d+|\d{1,3}(\.\d{3})+|\d{1,3}( \d{3})+|\d{1,3}(\x{00A0}\d{3})+|\d{1,3}(\x{202F}\d{3})+|\d{1,3}(''\d{3})+)(,\d+)?')
                 THEN replace(regexp_replace(trim(raw), '[. \x{00A0}\x{202F}'']', '', 'g'), ',', '.') END
        WHEN contains(raw, ',') THEN
            CASE WHEN regexp_full_match(trim(raw), '[+-]?\d{1,3}(,\d{3})+(\.\d+)?') THEN replace(trim(raw), ',', '') END
        ELSE trim(raw)
    END;
-- rd_money: the amount in cents; NULL (flagged by rd_bad) when unreadable or when it has digits beyond the cent.
CREATE OR REPLACE TEMP MACRO rd_money(raw, dec_comma) AS
    CASE WHEN TRY_CAST(rd_amount_text(raw, dec_comma) AS DECIMAL(38,10)) = TRY_CAST(rd_amount_text(raw, dec_comma) AS DECIMAL(12,2))
         THEN TRY_CAST(rd_amount_text(raw, dec_comma) AS DECIMAL(12,2)) END;
-- rd_money_reason: why rd_money refused a cell, in words that say how to fix it.
CREATE OR REPLACE TEMP MACRO rd_money_reason(raw, dec_comma) AS
    CASE
        WHEN rd_amount_text(raw, dec_comma) IS NOT NULL AND TRY_CAST(rd_amount_text(raw, dec_comma) AS DECIMAL(38,10)) IS NOT NULL
             AND abs(TRY_CAST(rd_amount_text(raw, dec_comma) AS DECIMAL(38,10))) < 10000000000
            THEN 'not an amount: more than 2 decimals (cents); nothing is rounded away'
        WHEN dec_comma THEN 'not an amount with a decimal comma (such as 12,50 or 1.234,56; up to 10 digits and 2 decimals)'
        WHEN contains(raw, ',') THEN 'not an amount: the comma is not a thousands separator (for an export that writes '
            || 'decimals with a comma set numbers.decimal = "," in the map)'
        ELSE 'not an amount (up to 10 digits and 2 decimals)'
    END;
CREATE OR REPLACE TEMP MACRO rd_bool(raw) AS
    CASE lower(rd_blank(raw))
        WHEN 'true' THEN TRUE WHEN 't' THEN TRUE WHEN 'yes' THEN TRUE WHEN 'y' THEN TRUE WHEN '1' THEN TRUE
        WHEN 'false' THEN FALSE WHEN 'f' THEN FALSE WHEN 'no' THEN FALSE WHEN 'n' THEN FALSE WHEN '0' THEN FALSE
    END;
-- rd_year_bad: a parsed timestamp outside the policy calendar's years 2000..2069 in some time zone (UTC-12 to UTC+14),
-- so a stored time stays decidable whatever zone a policy later names (2069-12-31 23:00+08:00 is 2070 in Auckland).
CREATE OR REPLACE TEMP MACRO rd_year_bad(parsed) AS parsed IS NOT NULL AND (parsed < TIMESTAMPTZ '2000-01-01 12:00:00+00' OR parsed >= TIMESTAMPTZ '2069-12-31 10:00:00+00');
-- rd_bad: a cell that is not blank but did not parse
CREATE OR REPLACE TEMP MACRO rd_bad(raw, parsed) AS rd_blank(raw) IS NOT NULL AND parsed IS NULL;
-- rd_minutes: a count of minutes (Zendesk's "First reply time in minutes": 95, 95.5), NULL when blank or unreadable.
CREATE OR REPLACE TEMP MACRO rd_minutes(raw) AS CASE WHEN TRY_CAST(rd_blank(raw) AS DOUBLE) >= 0 THEN TRY_CAST(rd_blank(raw) AS DOUBLE) END;
-- rd_after: the instant `minutes` after `start` (to the microsecond).
CREATE OR REPLACE TEMP MACRO rd_after(start, minutes) AS start + to_microseconds(CAST(round(minutes * 60000000) AS BIGINT));
