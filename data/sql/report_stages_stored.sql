-- report_stages_stored: the stored totals per ISO week and SLA stage (stage_weeks: sql/facts_stage_weeks.sql) of weeks overlapping local days $date_from..$date_to (up to $as_of_day), each with usable: whether it equals what report_stages would compute for it, which holds without a $category / $country filter when every item's day lies in the period and $as_of is at or after settled_at (every item done, or never done and past due: nothing is pending and no status or hours can change).
SELECT week, stage, met, breached, CAST(0 AS BIGINT) AS pending, p50_hours, p90_hours,
       ($category IS NULL AND $country IS NULL AND first_day >= $date_from AND last_day <= $date_to
        AND last_day <= $as_of_day AND settled_at <= $as_of) AS usable
FROM stage_weeks
WHERE last_day >= $date_from AND first_day <= $date_to AND first_day <= $as_of_day
ORDER BY week, stage;
