"""Which uncertainties matter: rank correlation of each option's NPV with each sampled input.

Inputs are whatever the draws sampled: the place's uncertain parameters
(``parameter_draws``), the scenario's effect sizes (``effect_size``), unit costs
(``unit_cost_by_draw``, those drawn within a range) and investment amounts. Spearman's rank
correlation over draws is robust to the scale of each input; with ``n`` draws a correlation
smaller than about ``1.96 / sqrt(n - 1)`` in size cannot be told apart from chance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sim.config.schema import Config


def _words(key: object) -> str:
    """``care_home.deaths_per_1000_year`` -> ``care home deaths per 1000 year``."""
    return str(key).replace(".", " ").replace("_", " ")


def sampled_inputs(run: xr.Dataset, cfg: Config | None = None) -> pd.DataFrame:
    """One column per input that varies across draws, one row per draw."""
    cols: dict[str, np.ndarray] = {}
    if "parameter_draws" in run:
        for k in run["uncertain_key"].values:
            cols[f"place: {_words(k)}"] = run["parameter_draws"].sel(uncertain_key=k).values
    if "effect_size" in run:
        for k in run["effect"].values:
            cols[f"effect: {_words(k)}"] = run["effect_size"].sel(effect=k).values
    if "unit_cost_by_draw" in run:
        derived = set()
        if cfg is not None:
            derived = {k for k, u in cfg.finance.unit_costs.items() if u.of is not None}
        for k in run["unit_cost_name"].values:
            if str(k) not in derived:
                cols[f"unit cost: {_words(k)}"] = (
                    run["unit_cost_by_draw"].sel(unit_cost_name=k).values
                )
    if "investment" in run and run.sizes.get("investment_line", 0):
        for k in run["investment_line"].values:
            cols[f"investment: {_words(k)}"] = (
                run["investment"].sel(investment_line=k).sum("year").values
            )
    df = pd.DataFrame(cols)
    varies = [
        c
        for c in df.columns
        if np.nanstd(df[c]) > 1e-9 * max(1.0, float(np.nanmean(np.abs(df[c]))))
    ]
    return df[varies]


def rank_correlations(
    appraisal: xr.Dataset,
    runs: dict[str, xr.Dataset],
    configs: dict[str, Config] | None = None,
    outcome: str = "npv",
    view: str = "cash",
) -> pd.DataFrame:
    """Spearman correlation of ``outcome`` (in ``view`` when it has views) with each sampled
    input, per option.

    Columns ``option, input, rho``; sorted by option then by size of ``rho``. Empty with
    fewer than three draws.
    """
    rows = []
    n = appraisal.sizes["draw"]
    if n < 3:
        return pd.DataFrame(columns=["option", "input", "rho"])
    values = appraisal[outcome]
    if "view" in values.dims:
        values = values.sel(view=view)
    for o in appraisal["option"].values:
        o = str(o)
        y = pd.Series(values.sel(option=o).values)
        if o not in runs or np.nanstd(y) == 0:
            continue
        x = sampled_inputs(runs[o], (configs or {}).get(o))
        ry = y.rank()
        for col in x.columns:
            rho = float(np.corrcoef(x[col].rank(), ry)[0, 1])
            rows.append({"option": o, "input": col, "rho": rho})
    df = pd.DataFrame(rows, columns=["option", "input", "rho"])
    if df.empty:
        return df
    df["size"] = df["rho"].abs()
    df = df.sort_values(["option", "size"], ascending=[True, False]).drop(columns="size")
    return df.reset_index(drop=True)


def noise_threshold(n_draws: int) -> float:
    """|rho| below which a rank correlation of ``n_draws`` is indistinguishable from chance."""
    return 1.96 / np.sqrt(max(n_draws - 1, 1))
