"""What every page shares: one DuckDB connection per process, the policy in force, the as-of
time. Pages call these; they never open connections or read files themselves."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

import data
from policy import Policy, default_policy


@st.cache_resource(show_spinner="Opening the case database...")
def connection():
    """The process's single DuckDB connection (queries take a fresh ``.cursor()``)."""
    return data.connect()


def policy() -> Policy:
    """The policy chosen in the sidebar (the shipped default until versions exist)."""
    return st.session_state.get("policy") or default_policy()


def as_of() -> dt.datetime:
    """The report's as-of time chosen in the sidebar, in the policy's zone."""
    zone = ZoneInfo(policy().calendar.timezone)
    return st.session_state.get("as_of") or dt.datetime.now(zone).replace(microsecond=0)
