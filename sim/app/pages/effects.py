"""Page: each option's effect sizes and investment amounts, inside their evidence ranges,
with their sources.
"""

from __future__ import annotations

import streamlit as st

from sim.app import form as forms
from sim.app.ui import EFFECT, bind, errors, evidence_lines, field_message

UNITS = {
    "episodes_per_year": "episodes a year",
    "days": "days",
    "per_day": "share a day",
    "share": "share",
    "relative": "relative change",
    "GBP_per_year": "GBP a year",
}


def _num(x: float) -> str:
    """``546``, ``-3.1``, ``0.035``, ``1,500,000``: separators, no exponents."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"


st.title("Effect sizes")
st.write(
    "Each option's effects are uncertain: a low, central and high value from the evidence. "
    "Set the central value inside its range; with more than one draw the draws spread from "
    "low to high around it (triangular). An effect shared by several options (Combined "
    "includes HomeFirst's) changes in each."
)
options = list(st.session_state["options"])
ranges = forms.ranges(options)
if not ranges:
    st.info("The chosen options have no adjustable effect sizes: choose options first.")
errs = errors()
for r in ranges:
    key = EFFECT + r.key
    if key not in st.session_state:
        st.session_state[key] = r.central
    unit = UNITS.get(r.unit, r.unit.replace("_", " "))
    with st.container(border=True):
        left, right = st.columns([1, 2], gap="large")
        with left:
            st.number_input(
                f"{r.label} ({unit})",
                format="%g",
                step=(r.high - r.low) / 20 or 1.0,
                **bind(key),
            )
            st.caption(
                f"Evidence range {_num(r.low)} to {_num(r.high)} {unit}; scenario central "
                f"{_num(r.central)}. Used by: {', '.join(r.options)}."
            )
            field_message(errs, r.key)
        with right:
            st.markdown(f"**Source:** {r.source}")
            for line in evidence_lines(r.source):
                st.caption(line)
if ranges and not errs:
    st.success("Every effect size is inside its range.")
st.page_link("pages/run.py", label="Next: run", icon=":material/arrow_forward:")
