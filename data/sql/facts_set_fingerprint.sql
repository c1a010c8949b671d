-- facts_set_fingerprint: choose the policy whose stored facts this cursor's views (facts_views) and writes (facts_delete_*, facts_insert) use.
SET VARIABLE facts_fingerprint = $fingerprint;
