"""Returns Desk served with its start-up work done before the first visitor:
``python3 -m streamlit run serve.py`` (the same options as ``app.py``, which it serves).

``st.App`` is Streamlit's ASGI entry; its lifespan hook runs once when the server starts, before
it answers: ``ui.startup.warm_up`` imports what the pages import and builds the store's working
calendar there, so the first visitor after a restart does not wait for them (about a second
of every page's first view). ``streamlit run app.py`` still works, without that.
"""

import asyncio
from contextlib import asynccontextmanager

import streamlit as st


@asynccontextmanager
async def lifespan(_app):
    from ui.startup import warm_up

    await asyncio.to_thread(warm_up)
    yield


app = st.App("app.py", lifespan=lifespan)
