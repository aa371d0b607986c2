"""Composing a configuration: Hydra's full compose against the cached defaults list.

``python benchmarks/compose.py [--repeats N]``: in one sitting, alternately, N times each,
times (a) Hydra's own compose of ``place.acute.beds=1500 run.draws=3`` (every YAML file read and
merged, as before the cache) and (b) ``sim.config.compose.compose`` of the same overrides after
its first call (the defaults list composed once; Hydra's override step on a copy). Prints the
medians and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time

from hydra import compose as hydra_compose
from hydra import initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

from sim.config.compose import compose, config_dir
from sim.config.store import register

OVERRIDES = ["place.acute.beds=1500", "run.draws=3"]


def full() -> None:
    """Hydra's compose with no cache, then the typed object (what compose returned before)."""
    register()
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
            OmegaConf.to_object(hydra_compose(config_name="config", overrides=OVERRIDES))
    finally:
        GlobalHydra.instance().clear()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    compose(OVERRIDES)  # fills the cache
    times: dict[str, list[float]] = {"hydra": [], "cached": []}
    for _ in range(args.repeats):
        for name, fn in (("hydra", full), ("cached", lambda: compose(OVERRIDES))):
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"hydra compose  median {med['hydra']:.3f} s")
    print(f"cached compose median {med['cached']:.3f} s")
    print(f"ratio hydra / cached  {med['hydra'] / med['cached']:.1f}")


if __name__ == "__main__":
    main()
