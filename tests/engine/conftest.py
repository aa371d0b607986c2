"""Opt-in cross-check of the generated kernels on every model the engine tests run.

With ``SIM_CHECK_GENERATED=1`` every single-draw run of these tests (``run_arrays`` with the
default ``kernel="auto"``) runs on the model's generated kernel *and* on the interpreter, and
fails unless the reports and final stocks are equal bit for bit::

    SIM_CHECK_GENERATED=1 PYTHONPATH=$PWD python -m pytest tests/engine -q -n 2

Slow (a kernel is compiled for each model structure, a few seconds each, cached on disk: set
``SIM_KERNEL_CACHE`` to a scratch directory to keep them out of the user's cache), so off by
default; ``tests/engine/test_generate.py`` checks the same on a few models every run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from sim.engines.stockflow import engine, generate
from sim.engines.stockflow.compile import CompiledModel
from sim.engines.stockflow.kernels import KERNEL_ARRAYS, simulate_serial


def _both(compiled: CompiledModel, generated: Callable) -> Callable:
    """A kernel that runs ``generated`` and the interpreter and asserts they agree."""
    arrays = [compiled.arrays[k] for k in KERNEL_ARRAYS]

    def run(P, X0, Z, dt, n_steps, record_every, out, ledger, final, lk_xs, lk_ys):
        generated(P, X0, Z, dt, n_steps, record_every, out, ledger, final, lk_xs, lk_ys)
        out2, ledger2, final2 = np.zeros_like(out), np.zeros_like(ledger), np.zeros_like(final)
        simulate_serial(P, X0, Z, dt, n_steps, record_every, out2, ledger2, final2, 1, *arrays)
        bad = [c for r, c in enumerate(compiled.report_index)
               if not np.array_equal(out[:, r], out2[:, r], equal_nan=True)]  # fmt: skip
        assert not bad, f"generated kernel differs from the interpreter on {bad[:5]}"
        assert np.array_equal(ledger, ledger2, equal_nan=True), "ledgers differ"
        assert np.array_equal(final, final2, equal_nan=True), "final stocks differ"

    return run


@pytest.fixture(autouse=True)
def _check_generated(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    own = request.module.__name__.endswith("test_generate")  # tests the choice itself
    if os.environ.get("SIM_CHECK_GENERATED") != "1" or own:
        yield
        return
    choose = engine._generated_kernel

    def checked(compiled: CompiledModel, n_draws: int, kernel: str) -> Callable | None:
        if kernel != "auto" or n_draws != 1:
            return choose(compiled, n_draws, kernel)
        try:
            return _both(compiled, generate.load_kernel(compiled))
        except generate.GenerationError:
            return None

    monkeypatch.setattr(engine, "_generated_kernel", checked)
    yield
