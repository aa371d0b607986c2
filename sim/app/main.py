"""The Streamlit script of the app (``python -m sim.app`` serves it): page set-up, the
navigation between the pages in ``pages/`` and the inputs kept across them.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from sim.app.ui import init_state

HERE = Path(__file__).parent / "pages"
PAGES = {
    "Appraisal": [
        st.Page(HERE / "setup.py", title="Place and options", icon=":material/map:", default=True),
        st.Page(HERE / "effects.py", title="Effect sizes", icon=":material/tune:"),
        st.Page(HERE / "run.py", title="Run", icon=":material/play_arrow:"),
    ],
    "Results": [
        st.Page(HERE / "results.py", title="Options table and downloads", icon=":material/table:"),
        st.Page(HERE / "who_pays.py", title="Who pays and who saves", icon=":material/payments:"),
        st.Page(HERE / "charts.py", title="Results over time", icon=":material/show_chart:"),
        st.Page(HERE / "risk.py", title="Uncertainty and equity", icon=":material/bar_chart:"),
        st.Page(HERE / "validation.py", title="Validation", icon=":material/fact_check:"),
        st.Page(HERE / "compare.py", title="Compare two runs", icon=":material/compare:"),
    ],
}

st.set_page_config(page_title="sim: care-shift options appraisal", layout="wide")
init_state()
with st.sidebar:
    st.markdown("**sim**: options appraisal of care shifts in the English NHS")
    st.caption(
        "Runs the same job as `python -m sim`, checked by the same rules; every run is saved "
        "under results/. Money in GBP at the finance price year; changes are option minus "
        "baseline."
    )
st.navigation(PAGES).run()
