-- timestamp_format_fit: of the distinct sample cells ($cells) without an offset, how many the strftime format $fmt reads (NULL: ISO 8601), as rd_ts reads them; cells with an offset read alike under every format.
WITH cells AS (
    SELECT DISTINCT trim(c) AS cell FROM (SELECT unnest($cells::VARCHAR[]) AS c)
    WHERE rd_blank(c) IS NOT NULL
      AND NOT regexp_matches(trim(c), '\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d(:?\d\d)?)$')
)
SELECT count(*) FILTER (WHERE CASE WHEN $fmt IS NULL THEN TRY_CAST(cell AS TIMESTAMP)
                                   ELSE try_strptime(cell, $fmt) END IS NOT NULL) AS readable,
       count(*) AS cells
FROM cells;
