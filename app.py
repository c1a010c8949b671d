"""Returns Desk: the entry point. Sets up navigation (the pages the user's role may open) and
the shared sidebar, nothing else."""

import streamlit as st

from ui import access, context

# An emoji icon is drawn in the browser; a :material/...: icon would be fetched from fonts.gstatic.com
# on every visit (telling Google the app's address).
st.set_page_config(page_title="Returns Desk", page_icon="↩️", layout="wide")

# (section, page file, title, icon); the first page the user may open is the default.
PAGES = [
    ("Managers", "pages/weekly_metrics.py", "Weekly metrics", ":material/monitoring:"),
    ("Agents", "pages/case_lookup.py", "Case lookup", ":material/search:"),
    ("Policy owners", "pages/what_if.py", "What-if lab", ":material/science:"),
    ("Policy owners", "pages/policy_page.py", "Policy", ":material/gavel:"),
    ("Admin", "pages/data_page.py", "Data", ":material/database:"),
]

context.begin_run()  # data_version checks the tables once per run
role = access.gate()
pages: dict[str, list] = {}
for section, path, title, icon in PAGES:
    if access.allowed(path, role):
        pages.setdefault(section, []).append(st.Page(path, title=title, icon=icon, default=not pages))
# The navigation is drawn here, not by Streamlit: .streamlit/config.toml sets
# client.showSidebarNavigation = false, so the first run after a start (Streamlit's legacy
# pages/ mode, on until st.navigation runs) no longer flashes the pages/ folder's file list.
page = st.navigation(pages, position="hidden")
with st.sidebar:
    for section, section_pages in pages.items():
        st.caption(section)
        for item in section_pages:
            st.page_link(item)
context.sidebar(role)
context.sample_banner()
page.run()
