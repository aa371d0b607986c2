"""A generic stock-flow (system dynamics) engine with a Numba-compiled daily kernel.

Vocabulary:

- **stock**: a count of people in one state (a ward stage, a cohort at home, a queue).
- **flow**: people moving between two stocks, or in from / out to outside the model. Flows are
  grouped into *operations* that compute their total once and route it by *shares*:
  ``inflow`` (exogenous, per day), ``outflow`` (first-order hazard, exact ``1 - exp(-k dt)``),
  ``delay`` (an Erlang-k chain with mean residence in days), ``transfer`` (capacity-limited,
  proportionally rationed; the excess waits in its source stock, a named queue).
- **capacity**: a limit on the total of a set of stocks (beds, places) or on the amount moved per
  day (appointments, assessments).
- **lookup**: a piecewise-linear table function of a weighted sum of stocks (e.g. handover
  minutes as a function of bed occupancy), used to scale rates or to weight reported flows.
- **series**: per-step inputs (demography, seasonality, ramps) multiplying any rate or limit.
- **report**: a weighted sum of stocks, flows or lookups recorded per period, shaped into named
  variables with dimensions and units.

A :class:`Model` is a declaration (pure data); :func:`compile_model` turns it into flat arrays;
:func:`run` steps a batch of parameter sets through an ``@njit(parallel=True, cache=True)`` kernel
and returns an :class:`xarray.Dataset`. A single draw of a small model can run on a kernel
generated for that model (:mod:`sim.engines.stockflow.generate`; same results bit for bit, see
``run_arrays(kernel=...)``).
"""

from sim.engines.stockflow.compile import CompiledModel, compile_model
from sim.engines.stockflow.engine import RunOutput, run, run_arrays, to_dataset
from sim.engines.stockflow.model import Model, ModelError

__all__ = [
    "CompiledModel",
    "Model",
    "ModelError",
    "RunOutput",
    "compile_model",
    "run",
    "run_arrays",
    "to_dataset",
]
