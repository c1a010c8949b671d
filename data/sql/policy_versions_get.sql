-- policy_versions_get: the policy file text of one version.
SELECT policy_toml FROM policy_versions WHERE version = $version;
