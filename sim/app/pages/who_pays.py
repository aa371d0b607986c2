"""Page: who pays and who saves, by organisation, and the net-cost waterfall."""

from __future__ import annotations

import streamlit as st

from sim.app import saved
from sim.app.ui import load, pick_run, show_chart, show_table

st.title("Who pays and who saves")
run = pick_run()
if run is not None:
    result, pack = load(run)
    show_table(saved.table(pack, "Who pays and saves"))
    show_chart(run, pack, "cash_by_org")
    show_chart(run, pack, "waterfall")
