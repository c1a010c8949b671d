"""Returns Desk: the entry point. Sets up navigation and the shared sidebar, nothing else."""

import streamlit as st

from ui import context

st.set_page_config(page_title="Returns Desk", page_icon=":material/assignment_return:", layout="wide")

pages = {
    "Managers": [st.Page("pages/weekly_metrics.py", title="Weekly metrics", icon=":material/monitoring:", default=True)],
    "Agents": [st.Page("pages/case_lookup.py", title="Case lookup", icon=":material/search:")],
    "Policy owners": [st.Page("pages/what_if.py", title="What-if lab", icon=":material/science:"),
                      st.Page("pages/policy_page.py", title="Policy", icon=":material/gavel:")],
    "Admin": [st.Page("pages/data_page.py", title="Data", icon=":material/database:")],
}
page = st.navigation(pages)
context.sidebar()
page.run()
