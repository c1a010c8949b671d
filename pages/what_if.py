import streamlit as st

st.title("What-if lab")
st.info("This page is being built.")
