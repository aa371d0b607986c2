"""A year of the default place on two checkouts, alternating, in fresh processes.

    python benchmarks/patient_side_by_side.py /work/main . --repeats 3

Each repeat runs one replication of a year in a fresh process for each checkout (its folder
first on ``PYTHONPATH``, ``NUMBA_NUM_THREADS=1``), alternating, and prints the CPU and wall
seconds of the replication and the SimPy events; then the medians and the CPU-time ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CODE = r"""
import json, time
from sim.jobs.load import load_config
from sim.place.patient.engine import run_replication
from sim.place.patient.inputs import prepare_inputs
cfg = load_config(["run.engine=patient", "run.horizon_years=1", "run.draws=1"])
inputs = prepare_inputs(cfg)
c0, w0 = time.process_time(), time.perf_counter()
r = run_replication(inputs[0], cfg.run.seed, 0)
print(json.dumps({"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0,
                  "events": r.events}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path, help="first checkout (e.g. main)")
    ap.add_argument("b", type=Path, help="second checkout (e.g. this branch)")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    out: dict[str, list[dict]] = {str(args.a): [], str(args.b): []}
    for _ in range(args.repeats):
        for path in (args.a, args.b):
            env = dict(os.environ, PYTHONPATH=str(path.resolve()), NUMBA_NUM_THREADS="1")
            res = subprocess.run([sys.executable, "-c", CODE], cwd=path, env=env,
                                 capture_output=True, text=True, check=True)  # fmt: skip
            row = json.loads(res.stdout.strip().splitlines()[-1])
            row["load"] = os.getloadavg()[0]
            out[str(path)].append(row)
            print(path, row, flush=True)
    cpu = {k: statistics.median(r["cpu"] for r in v) for k, v in out.items()}
    print("median CPU seconds:", cpu, f"ratio b/a {cpu[str(args.b)] / cpu[str(args.a)]:.2f}")


if __name__ == "__main__":
    main()
