"""Returns Desk: the entry point. Sets up navigation (the pages the user's role may open) and
the shared sidebar, nothing else."""

import streamlit as st

from ui import access, context

# An emoji icon is drawn in the browser; a :material/...: icon would be fetched from fonts.gstatic.com
# on every visit (telling Google the app's address).
st.set_page_config(page_title="Returns Desk", page_icon="↩️", layout="wide")

# (section, page file, title, icon); "/" opens the first page the user may open (home).
PAGES = [
    ("Managers", "pages/weekly_metrics.py", "Weekly metrics", ":material/monitoring:"),
    ("Agents", "pages/case_lookup.py", "Case lookup", ":material/search:"),
    ("Policy owners", "pages/what_if.py", "What-if lab", ":material/science:"),
    ("Policy owners", "pages/policy_page.py", "Policy", ":material/gavel:"),
    ("Admin", "pages/data_page.py", "Data", ":material/database:"),
]


def home() -> None:
    """The address "/" opens the first page the user may open, at its own address, keeping the
    query: Streamlit serves its default page at "/" only, so a shared link such as
    /weekly_metrics?week=2026-W47 would otherwise meet "Page not found" whenever that page is
    the user's first one."""
    st.switch_page(next(iter(pages.values()))[0], query_params=st.query_params.to_dict())


context.begin_run()  # data_version checks the tables once per run
role = access.gate()
pages: dict[str, list] = {}
for section, path, title, icon in PAGES:
    if access.allowed(path, role):
        pages.setdefault(section, []).append(st.Page(path, title=title, icon=icon))
# The navigation is drawn here, not by Streamlit: .streamlit/config.toml sets
# client.showSidebarNavigation = false, so the first run after a start (Streamlit's legacy
# pages/ mode, on until st.navigation runs) no longer flashes the pages/ folder's file list.
start = st.Page(home, title="Returns Desk", default=True)
page = st.navigation({"": [start], **pages}, position="hidden")
if page is start:  # before the sidebar: this run only moves on
    home()
with st.sidebar:
    for section, section_pages in pages.items():
        st.caption(section)
        for item in section_pages:
            st.page_link(item)
context.sidebar(role)
context.sample_banner()
page.run()
