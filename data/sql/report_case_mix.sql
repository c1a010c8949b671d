-- report_case_mix: cases per ISO week by outcome (the policy's decision) and by reason ('none' when the request has no reason). Same filters as report_stages.
SELECT week, 'outcome' AS dimension, CAST(outcome AS VARCHAR) AS value, count(*) AS cases
FROM case_facts
WHERE day BETWEEN $date_from AND $date_to AND day <= $as_of_day
  AND ($category IS NULL OR category = $category) AND ($country IS NULL OR country = $country)
GROUP BY ALL
UNION ALL
SELECT week, 'reason', coalesce(CAST(reason AS VARCHAR), 'none'), count(*)
FROM case_facts
WHERE day BETWEEN $date_from AND $date_to AND day <= $as_of_day
  AND ($category IS NULL OR category = $category) AND ($country IS NULL OR country = $country)
GROUP BY ALL
ORDER BY week, dimension, cases DESC, value;
