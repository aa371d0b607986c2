"""Sweeps: thousands of variants of a place, their uncertainty and what drives it.

Vocabulary: a *sweep* runs a *design* (variants: values of swept config keys, from a grid,
random or Latin hypercube sampling, or SALib's Sobol and Morris designs) over a base
configuration; variants that share the model's structure run as rows of one parameter matrix
in one compiled call (:mod:`sim.sweep.batch`), in *chunks* written to disk as they finish
(:mod:`sim.sweep.store`), by an *executor* (:mod:`sim.sweep.execute`: in process, local
processes or Dask). ``python -m sim -m key=a,b`` (Hydra multirun) runs full configurations
one by one and gathers them on a ``variant`` dimension (:mod:`sim.sweep.multirun`).

API::

    from sim.sweep import run_sweep, load_sweep
    folder = run_sweep(["sweep=capacity_lhs", "sweep.samples=200", "sweep.name=capacity"])
    ds = load_sweep(folder)            # dims variant, draw, time, ...
"""

from __future__ import annotations

from sim.sweep.runner import run_sweep, sweep_config
from sim.sweep.store import load_sweep

__all__ = ["load_sweep", "run_sweep", "sweep_config"]
