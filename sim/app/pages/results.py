"""Page: a saved run's key findings, options table and downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sim.app import saved
from sim.app.ui import load, pick_run, show_table
from sim.report.content import Bullets, Facts

st.title("Options table and downloads")
run = pick_run()
if run is not None:
    result, pack = load(run)
    facts = next((b for b in pack.blocks if isinstance(b, Facts)), None)
    findings = next((b for b in pack.blocks if isinstance(b, Bullets)), None)
    st.caption(f"{pack.subtitle}; {pack.footer.split('; ', 1)[-1]}.")
    if findings is not None:
        with st.expander("Key findings", expanded=False):
            st.markdown("\n".join(f"- {item}" for item in findings.items))
    show_table(saved.table(pack, "Options - money"))
    show_table(saved.table(pack, "Options - activity"))
    st.subheader("Downloads")
    cols = st.columns(len(saved.DOWNLOADS))
    for col, (file, (label, mime)) in zip(cols, saved.DOWNLOADS.items(), strict=True):
        path = run.path / file
        if path.is_file():
            col.download_button(label, path.read_bytes(), file_name=f"{run.name}_{file}",
                                mime=mime, key=f"dl-{file}")  # fmt: skip
    if facts is not None:
        with st.expander("About this run", expanded=False):
            st.table(pd.DataFrame(facts.rows, columns=["Item", "Value"]).set_index("Item"))
