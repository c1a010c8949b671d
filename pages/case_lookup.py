import streamlit as st

st.title("Case lookup")
st.info("This page is being built.")
