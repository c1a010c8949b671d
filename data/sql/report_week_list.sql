-- report_week_list: the ISO weeks with orders or cases on local days up to $as_of_day (the weeks report_weeks lists for the whole history, without its figures): a week picker reads a few thousand pre-counted order rows and the cases' weeks instead of running the whole report.
SELECT week FROM order_counts WHERE day <= $as_of_day
UNION
SELECT week FROM case_facts WHERE day <= $as_of_day
ORDER BY week;
