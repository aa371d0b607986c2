"""Page: the fan charts: money, hospital, flow and people over time, and the NPV summary."""

from __future__ import annotations

import streamlit as st

from sim.app.ui import load, pick_run, show_chart

st.title("Results over time")
run = pick_run()
if run is not None:
    result, pack = load(run)
    for key in ("npv", "fan_money", "fan_economic", "fan_hospital", "fan_flow", "fan_people"):
        show_chart(run, pack, key)
