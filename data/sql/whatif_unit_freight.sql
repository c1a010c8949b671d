-- whatif_unit_freight: a typical return shipment's cost, the mean freight the store actually paid over all cases (the baseline's case_facts: every case, not only the period's, so the unit does not swing with a short period); used for a case the scenario makes the store pay for but that has no recorded freight amount.
SELECT coalesce(avg(CAST(freight_paid AS DOUBLE)), 0) AS unit
FROM case_facts
WHERE freight_paid > 0;
