"""Write a run folder: every run, the appraisal, the configuration, summary, charts, pack.

The folder is claimed before the work (:mod:`sim.results.folder`: a taken name is refused at
once), written into this process's own hidden staging folder and renamed into place, so no
half-written run is ever left behind and two runs never share a folder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from sim.appraisal.result import Appraisal
from sim.appraisal.summary import format_appraisal
from sim.config.compose import to_yaml
from sim.config.schema import Config
from sim.jobs.appraise import DO_NOTHING
from sim.jobs.limits import results_bytes
from sim.report.charts import save_charts
from sim.report.pack import write_board_pack
from sim.report.summary import format_summary
from sim.results.folder import RunFolder, claim
from sim.results.io import write_dataset_atomic, write_text_atomic
from sim.results.provenance import provenance


def stack_runs(runs: dict[str, xr.Dataset]) -> xr.Dataset:
    """Every run along an ``option`` dimension (a variable one run lacks is NaN there);
    each run's scenario and configuration stay in the attributes, per option.
    """
    names = list(runs)
    every = {v: ds[v] for ds in runs.values() for v in ds.data_vars}
    filled = []
    for ds in runs.values():
        missing = {
            v: xr.full_like(da, np.nan, dtype=float)
            for v, da in every.items()
            if v not in ds.data_vars
        }
        filled.append(ds.assign(missing))
    out = xr.concat(
        filled,
        dim=xr.DataArray(names, dims="option", name="option"),
        join="outer",
        combine_attrs="drop_conflicts",
    )
    out["option"].attrs = {"long_name": "Option (baseline first)"}
    for name, ds in runs.items():
        out.attrs[f"scenario:{name}"] = ds.attrs.get("scenario", name)
        out.attrs[f"config_yaml:{name}"] = ds.attrs.get("config_yaml", "")
    out.attrs["options"] = names
    return out


def claim_run_folder(cfg: Config) -> RunFolder:
    """Claim ``run.output_dir/run.name`` before the work: a taken name, an unwritable folder
    or too little free space is refused at once, in one line.
    """
    return claim(Path(cfg.run.output_dir), cfg.run.name, need_bytes=results_bytes(cfg))


def save_appraisal(
    result: Appraisal, cfg: Config, *, charts: bool | None = None, folder: RunFolder | None = None
) -> Path:
    """Write the run folder atomically; returns its path.

    ``results.nc``: every run along ``option`` (baseline first); ``appraisal.nc``: the options
    against baseline; ``config.yaml``; ``summary.txt``; charts of the first run; and the board
    pack (``board_pack.html``, ``.pdf``, ``.docx``, ``appraisal.xlsx``) when there are options.
    ``folder`` is the folder claimed before the work (:func:`claim_run_folder`); it is claimed
    now when not given.
    """
    folder = folder if folder is not None else claim_run_folder(cfg)
    tmp = folder.staging
    created = provenance()["created_utc"]
    try:
        write_text_atomic(to_yaml(cfg), tmp / "config.yaml")
        write_dataset_atomic(
            stack_runs(result.runs).assign_attrs(created_utc=created),
            tmp / "results.nc",
            compact=True,
        )
        first = next(iter(result.runs.values()))  # the baseline, or the one run
        text = format_summary(first)
        if DO_NOTHING in result.runs:  # capacity as today, beside the plan
            text += "\n\nDo nothing: capacity held as today\n" + format_summary(
                result.runs[DO_NOTHING]
            )
        if result.appraisal is not None:
            write_dataset_atomic(
                result.appraisal.assign_attrs(created_utc=created), tmp / "appraisal.nc"
            )
            text += "\n\n" + format_appraisal(result.appraisal)
        write_text_atomic(text, tmp / "summary.txt")
        if cfg.run.charts if charts is None else charts:
            save_charts(first, tmp)
            if result.appraisal is not None:
                write_board_pack(result, tmp)
        return folder.commit()
    except BaseException:
        folder.abandon()
        raise
