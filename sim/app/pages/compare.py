"""Page: two saved runs side by side: headline results per option and the settings that
differ.
"""

from __future__ import annotations

import streamlit as st

from sim.app import saved
from sim.app.ui import load, output_dir, show_chart

st.title("Compare two runs")
runs = saved.saved_runs(output_dir())
if len(runs) < 2:
    st.info(f"Comparing needs two saved runs in {output_dir()}/; there are {len(runs)}.")
else:
    names = [r.name for r in runs]
    label = {r.name: r.label for r in runs}
    left, right = st.columns(2)
    a_name = left.selectbox("Run A", names, index=1, key="compare_a", format_func=label.get)
    b_name = right.selectbox("Run B", names, index=0, key="compare_b", format_func=label.get)
    ra, rb = (next(r for r in runs if r.name == n) for n in (a_name, b_name))
    (a, pa), (b, pb) = load(ra), load(rb)
    df = saved.compare(a, b)
    st.markdown(
        "**Headline results by option**: medians over draws, each option against its own "
        "run's baseline; NPV with optimism bias"
    )
    st.table(saved.compare_shown(df).set_index(["Option", "Measure"]))
    st.caption(
        f"A: {ra.label}, {a.appraisal.sizes['draw']} draw(s), {a.appraisal.attrs['first_year']} "
        f"to {a.appraisal.attrs['last_year']}, GBP at {a.appraisal.attrs['price_year']} prices. "
        f"B: {rb.label}, {b.appraisal.sizes['draw']} draw(s), "
        f"{b.appraisal.attrs['first_year']} to {b.appraisal.attrs['last_year']}, GBP at "
        f"{b.appraisal.attrs['price_year']} prices. '-': the run did not appraise that option."
    )
    st.markdown("**Settings that differ** (the baselines' configurations)")
    diff = saved.config_differences(a, b)
    if diff.empty:
        st.write("None: the two baselines have the same configuration.")
    else:
        st.table(diff.set_index("setting"))
    ca, cb = st.columns(2)
    with ca:
        show_chart(ra, pa, "npv")
    with cb:
        show_chart(rb, pb, "npv")
