"""Streamlit glue shared by the pages: the cached database connection, the sidebar's
choices (database, policy version, as-of time) and small display helpers. No business rules
here: figures come from ``policy`` and ``data``.

``ui.context``: connection(), cursor(), db_path(), data_version(), policy(), policy_key(),
as_of(), sidebar().  ``ui.display``: labels, md() escaping, status chips, money/when formatting,
case_link()/open_case(), guard() (errors as sentences); CSV downloads go through data.export.
``ui.access``: the user's role and the pages it opens.  ``ui.answer``: the agents' answer card.

Importing ``ui`` also switches off Streamlit's legacy "pages/ folder" mode. Streamlit turns it
on for the whole process when a ``pages/`` folder sits beside the main script, and only
``st.navigation`` (in app.py) turns it off; until then a session that opens a page's URL
directly (a shared link to a case, right after a restart) would run the page file alone,
without app.py: no sidebar, the wrong navigation. Every page imports ``ui``, so the first such
run lands here: the mode is switched off and the run restarts, now through app.py, on the same
page (page identities come from the URL path in both modes) with the same query parameters.

What this cannot prevent, the settings do: the legacy mode's own page list, sent before any
script code runs, is hidden by ``client.showSidebarNavigation = false`` (.streamlit/config.toml;
app.py draws the links). That setting does not stop the page file running alone, and Streamlit
1.67 offers no public switch for the mode short of moving ``pages/`` away from app.py, so this
flag stays.
"""

from streamlit.runtime.pages_manager import PagesManager

if PagesManager.uses_pages_directory:
    PagesManager.uses_pages_directory = False
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    if get_script_run_ctx() is not None:
        import streamlit as st

        st.rerun()
