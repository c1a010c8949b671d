-- policy_versions_list: every saved version, newest first, with how many keys it changed.
SELECT v.version, v.based_on, v.name, v.effective_from, v.saved_by, v.saved_at, v.note,
       count(c.key) AS changed_keys
FROM policy_versions v LEFT JOIN policy_changes c USING (version)
GROUP BY ALL
ORDER BY v.version DESC;
