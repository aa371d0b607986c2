"""Page: the main uncertainties (tornado) and equity by deprivation quintile."""

from __future__ import annotations

import streamlit as st

from sim.app import saved
from sim.app.ui import load, pick_run, show_chart, show_table

st.title("Uncertainty and equity")
run = pick_run()
if run is not None:
    result, pack = load(run)
    show_chart(run, pack, "tornado")
    show_chart(run, pack, "equity")
    show_table(saved.table(pack, "Switching values"))
