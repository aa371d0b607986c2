"""Shared Streamlit pieces: the form in session state, field messages, saved-run caches,
and the board pack's tables and charts drawn on a page.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from sim.app import form as forms
from sim.app import saved
from sim.appraisal.result import Appraisal
from sim.evidence import UnknownEvidenceRow, cited_rows, evidence_row
from sim.report.content import Chart, Pack, chart_png
from sim.report.tables import Table

FIELDS = ("place", "options", "horizon_years", "draws", "plan_case", "run_name")
FIELD_KEYS = {  # widget -> the configuration key its messages name
    "place": "place",
    "options": "appraisal.options",
    "horizon_years": "run.horizon_years",
    "draws": "run.draws",
    "plan_case": "place.plan.case",
    "run_name": "run.name",
}
EFFECT = "eff:"  # widget keys of effect sizes and amounts: "eff:" + Range.key


def init_state() -> None:
    """The form's defaults on a session's first run. Values live under their own keys
    (``draws``), each widget under ``w_`` + that key (:func:`bind`), so an input keeps its
    value on pages that do not draw it.
    """
    if "place" not in st.session_state:
        d = forms.defaults()
        for k in FIELDS:
            st.session_state[k] = getattr(d, k)


def _save(name: str) -> None:
    st.session_state[name] = st.session_state["w_" + name]


def bind(name: str) -> dict:
    """Keyword arguments binding a widget to the stored value ``name``: the widget's key
    ``w_<name>`` starts from the value, and each change is saved back.
    """
    st.session_state["w_" + name] = st.session_state[name]
    return {"key": "w_" + name, "on_change": _save, "args": (name,)}


def current_form() -> forms.Form:
    """The form from session state (effect values only for ranges of the chosen options)."""
    s = st.session_state
    f = forms.Form(**{k: s[k] for k in FIELDS})
    f.options = list(f.options)
    f.values = {r.key: float(s[EFFECT + r.key]) for r in forms.ranges(f.options)
                if s.get(EFFECT + r.key) is not None}  # fmt: skip
    return f


def errors() -> dict[str, str]:
    """The form's problems by configuration key (the command line's one-line messages)."""
    return forms.validate(current_form())


def field_message(errs: dict[str, str], key: str) -> bool:
    """Show the message about ``key`` (or a key under it) beside its field; True if shown."""
    found = [m for k, m in errs.items() if k == key or k.startswith(key + ".")]
    for m in found:
        st.error(m, icon=":material/error:")
    return bool(found)


def output_dir() -> Path:
    """Where runs are saved: ``run.output_dir`` of the configuration (``results``)."""
    return Path(forms.defaults_config().run.output_dir)


@st.cache_resource(max_entries=8, show_spinner="Reading the saved run")
def _load(path: str, stamp: float) -> tuple[Appraisal, Pack]:
    result = saved.load_run(Path(path))
    return result, saved.pack_of(result)


def load(run: saved.SavedRun) -> tuple[Appraisal, Pack]:
    """A saved run and its board-pack content (cached while the files are unchanged); a
    folder that cannot be read gives one line on the page, and the page stops there.
    """
    try:
        return _load(str(run.path.resolve()), (run.path / "appraisal.nc").stat().st_mtime)
    except Exception as exc:  # a damaged or foreign folder: one line, never a traceback
        first = str(exc).splitlines()[0] if str(exc) else ""
        st.error(f"Could not read the saved run {run.path}: {type(exc).__name__}: {first}")
        st.stop()
        raise


@st.cache_data(max_entries=64, show_spinner=False)
def _png(path: str, stamp: float, key: str) -> bytes:
    return chart_png(saved.chart(_load(path, stamp)[1], key))


def show_chart(run: saved.SavedRun, pack: Pack, key: str) -> None:
    """One of the board pack's charts, as the HTML report draws it, with its caption."""
    c: Chart = saved.chart(pack, key)
    path = str(run.path.resolve())
    st.image(_png(path, (run.path / "appraisal.nc").stat().st_mtime, key), caption=c.caption)


def show_table(t: Table) -> None:
    """One of the board pack's tables as the board sees it: title, the table, its note."""
    st.markdown(f"**{t.title}**")
    df = t.display if t.display is not None else t.data
    df = df.copy()
    df.index = pd.Index([""] * len(df)) if len(df.columns) > 1 else df.index
    shown = df.set_index(df.columns[0]) if len(df.columns) > 1 else df
    st.table(shown)
    if t.note:
        st.caption(t.note)


def pick_run(label: str = "Saved run", key: str = "run_folder") -> saved.SavedRun | None:
    """A saved run chosen in a select box (the session's last run, else the newest)."""
    runs = saved.saved_runs(output_dir())
    if not runs:
        st.info(
            f"No saved runs in {output_dir()}/ yet: start one on the Run page "
            "(or with python -m sim)."
        )
        return None
    names = [r.name for r in runs]
    if st.session_state.get(key) not in names:
        st.session_state[key] = names[0]
    name = st.selectbox(
        label,
        names,
        key=key,
        format_func=lambda n: next(r.label for r in runs if r.name == n),
    )
    return next(r for r in runs if r.name == name)


def evidence_lines(source: str) -> list[str]:
    """Each EVIDENCE row a source text cites: id, quantity, value, scope and source title."""
    out = []
    for rid in cited_rows(source):
        try:
            row = evidence_row(rid)
        except UnknownEvidenceRow:
            continue
        title = row.source.split("; ")[0]
        out.append(
            f"EVIDENCE {row.id}: {row.quantity}: {row.value} {row.unit}".rstrip()
            + (f" ({row.scope})" if row.scope else "")
            + (f". Source: {title}" if title else "")
        )
    return out
