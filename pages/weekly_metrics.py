import streamlit as st

st.title("Weekly metrics")
st.info("This page is being built.")
