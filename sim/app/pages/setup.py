"""Page: the place, the options to appraise, the horizon, draws and the baseline plan."""

from __future__ import annotations

import streamlit as st

from sim.app import form as forms
from sim.app.ui import bind, errors, field_message

st.title("Place and options")
st.write(
    "Choose the place, the care shifts to appraise against its baseline, how many years and "
    "how many uncertainty draws. Each input is checked by the same rules as the command line; "
    "a problem shows beside its field and nothing runs until it is fixed."
)
errs = errors()
left, right = st.columns(2, gap="large")
with left:
    st.selectbox(
        "Place", forms.places(), **bind("place"), help="place=NAME: configs/place/NAME.yaml"
    )
    field_message(errs, "place")
    scen = forms.scenarios()
    st.multiselect(
        "Options (care shifts) to appraise against the baseline",
        list(scen),
        **bind("options"),
        format_func=lambda n: f"{n}: {scen[n]}",
        help="appraisal.options: the scenario library (scenarios/)",
    )
    field_message(errs, "appraisal.options")
    st.radio(
        "Baseline capacity plan (place.plan.case)",
        list(forms.PLAN_CASES),
        **bind("plan_case"),
        format_func=forms.PLAN_CASES.get,
    )
    field_message(errs, "place.plan")
with right:
    st.number_input(
        "Horizon (years from run.start_date)", **bind("horizon_years"), step=1.0, format="%g"
    )
    field_message(errs, "run.horizon_years")
    st.number_input(
        "Uncertainty draws (1 = central values; more = Latin hypercube over the ranges)",
        **bind("draws"),
        step=1,
    )
    field_message(errs, "run.draws")
    st.text_input(
        "Run name (blank: the UTC date and time)", **bind("run_name"), help="results/<run name>/"
    )
    field_message(errs, "run.name")
if not errs:
    st.success("Every input is valid. Next: adjust the effect sizes, or go to Run.")
st.page_link("pages/effects.py", label="Next: effect sizes", icon=":material/arrow_forward:")
