"""Tabs built when opened, whose labels may carry counts ("Breached cases (12)").

``st.tabs(..., on_change="rerun")`` runs only the open tab's content, and remembers the open
tab by its label. A label that carries a count changes with the data (another week, a filter),
and Streamlit then falls back to the first tab: the user who was reading the second tab is
sent back to the first. ``lazy_tabs`` keeps the open tab by its position instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


def lazy_tabs(labels: Sequence[str], key: str) -> list:
    """``st.tabs`` whose tabs are built when opened (check each tab's ``.open``), the open one
    kept by position when the labels change. Inside an ``st.fragment``, choosing a tab reruns
    the fragment only. ``st.session_state[key]`` is the open tab's label, as with ``st.tabs``."""
    labels = list(labels)
    position = f"_{key}_position"  # where the open tab was on the last run
    if st.session_state.get(key) not in (None, *labels):  # its label changed: the same position
        st.session_state[key] = labels[min(st.session_state.get(position, 0), len(labels) - 1)]
    tabs = st.tabs(labels, key=key, on_change="rerun")
    st.session_state[position] = next((i for i, tab in enumerate(tabs) if tab.open), 0)
    return tabs
