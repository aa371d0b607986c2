"""Page: the run, in a worker process, with progress and a cancel button."""

from __future__ import annotations

import shlex

import streamlit as st

from sim.app import form as forms
from sim.app import jobs
from sim.app.ui import current_form, errors

st.title("Run")
form = current_form()
base = forms.overrides(form)
extra = forms.option_overrides(form)
st.write(
    f"Place **{form.place}**; options **{', '.join(form.options) or 'none'}**; "
    f"**{form.horizon_years:g}** years; **{form.draws}** draw(s); baseline plan "
    f"**{forms.PLAN_CASES.get(form.plan_case, form.plan_case)}**."
)
if extra:
    st.write("Effect sizes changed from the scenarios' central values:")
    st.code(
        "\n".join(f"{o}: {' '.join(v)}" for o, v in extra.items()), language=None, wrap_lines=True
    )
if len(form.options) == 1:  # one option: exactly a command line
    line = [o for o in base if not o.startswith("appraisal.options=")]
    line += [f"scenario={form.options[0]}", *extra.get(form.options[0], [])]
    st.caption("The same run from the command line:")
    st.code(
        "python -m sim " + " ".join(shlex.quote(o) for o in line), language="bash", wrap_lines=True
    )
elif not extra:
    st.caption("The same run from the command line:")
    st.code(
        "python -m sim " + " ".join(shlex.quote(o) for o in base), language="bash", wrap_lines=True
    )


def _show_errors(errs: dict[str, str]) -> None:
    for key, message in errs.items():
        page = "Effect sizes" if key.startswith("scenario.") else "Place and options"
        st.error(f"{message} (fix it on: {page})", icon=":material/error:")


job = jobs.JOBS.get(st.session_state.get("job", ""))
running = job is not None and job.state == "running"
if st.button("Run the appraisal", type="primary", disabled=running):
    errs = errors()
    if errs:
        st.session_state["refused"] = errs
    else:
        st.session_state.pop("refused", None)
        job = jobs.start(base, extra)
        st.session_state["job"] = job.id
        running = True
if st.session_state.get("refused"):
    st.warning("Nothing was run: the inputs below need fixing first.")
    _show_errors(st.session_state["refused"])


def progress() -> None:
    """The job's progress, redrawn every second while it runs; the whole page once it ends."""
    job = jobs.JOBS.get(st.session_state.get("job", ""))
    if job is None or job.state != "running":
        st.rerun(scope="app")  # the page below shows the outcome
        return
    st.progress(job.fraction, text=f"Running: {job.lines[-1] if job.lines else 'starting'}"
                f" ({job.seconds:.0f} s)")  # fmt: skip
    if st.button("Cancel the run", icon=":material/stop:"):
        jobs.cancel(job)
        st.rerun(scope="app")
    st.code("\n".join(job.lines) or "starting the worker", language=None)


if running:
    st.fragment(progress, run_every=1.0)()
if job is not None and job.state == "done" and job.folder is not None:
    st.session_state["run_folder"] = job.folder.name
    st.success(f"Done in {job.seconds:.0f} s: saved to {job.folder}.")
    st.page_link("pages/results.py", label="See the options table", icon=":material/table:")
elif job is not None and job.state == "cancelled":
    st.warning(f"Cancelled after {job.seconds:.0f} s; nothing was saved.")
elif job is not None and job.state == "failed":
    st.error(f"The run stopped: {job.error}", icon=":material/error:")
