-- amount_conventions: of the sample cells ($cells, text), how many read as amounts with a decimal point, with a decimal comma, and only with a comma.
SELECT count(*) FILTER (WHERE rd_money(cell, false) IS NOT NULL) AS point,
       count(*) FILTER (WHERE rd_money(cell, true) IS NOT NULL) AS comma,
       count(*) FILTER (WHERE rd_money(cell, true) IS NOT NULL AND rd_money(cell, false) IS NULL) AS comma_only
FROM (SELECT unnest($cells::VARCHAR[]) AS cell) WHERE rd_blank(cell) IS NOT NULL;
