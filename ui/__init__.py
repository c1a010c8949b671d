"""Streamlit glue shared by the pages: the cached database connection, the sidebar's
choices (database, policy version, as-of time) and small display helpers. No business rules
here: figures come from ``policy`` and ``data``."""
