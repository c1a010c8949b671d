"""Streamlit glue shared by the pages: the cached database connection, the sidebar's
choices (database, policy version, as-of time) and small display helpers. No business rules
here: figures come from ``policy`` and ``data``.

``ui.context``: connection(), cursor(), db_path(), data_version(), policy(), policy_key(),
as_of(), sidebar().  ``ui.display``: labels, md() escaping, status chips, money/when formatting,
case_link()/open_case(), guard() (errors as sentences), safe_frame() (CSV-safe cells).
"""
