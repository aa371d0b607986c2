"""Bad sweep input stops before any work with one line naming the key or address, and
writes nothing.
"""

from __future__ import annotations

import socket

import pytest

from sim.cli import main
from sim.config.errors import ConfigError
from sim.sweep import run_sweep

from .helpers import SMALL, grid


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def lhs(tmp, params: str, *extra: str) -> list[str]:
    return [
        *SMALL,
        "sweep.method=lhs",
        "sweep.samples=4",
        f"++sweep.params={params}",
        f"sweep.output_dir={tmp}",
        "sweep.name=bad",
        *extra,
    ]


@pytest.mark.parametrize(
    ("params", "extra", "match"),
    [
        ("{place.acute.bedz:{low:1,high:2}}", [], r"sweep.params.place.acute.bedz: no such"),
        ("{place.acute.beds:{}}", [], r"sweep.params.place.acute.beds: empty range"),
        ("{place.acute.beds:{low:1500,high:1200}}", [], r"place.acute.beds: low 1500.0 > high"),
        ("{place.acute.beds:{values:[]}}", [], r"place.acute.beds: empty range"),
        ("{place.acute.beds:{low:-10,high:1200}}", [], r"place.acute.beds = -10.0: .*>= 0"),
        ("{place.acute.max_stages:{low:1.5,high:2.5}}", [], r"max_stages = 1.5: must be an int"),
        ("{run.horizon_years:{low:1,high:2}}", [], r"sweep.params.run.horizon_years: a batched"),
        ("{scenario:{values:[baseline,nosuch]}}", [], r"sweep.params.scenario: no such scen"),
        ("{place.acute.beds:{low:1,high:2}}", ["sweep.samples=0"], r"sweep.samples = 0"),
        ("{place.acute.beds:{low:1,high:2}}", ["sweep.outputs=[nope]"], r"no result variable"),
        ("{place.acute.beds:{low:1,high:2}}", ["sweep.sum_dims=[nope]"], r"no dimension 'nope'"),
        ("{place.acute.beds:{low:1,high:2}}", ["sweep.executor=slurm"], r"sweep.executor"),
    ],
)
def test_bad_sweep_is_refused_before_any_work(tmp_path, params, extra, match):
    """One ConfigError naming the key; the output folder is never created."""
    with pytest.raises(ConfigError, match=match):
        run_sweep(lhs(tmp_path, params, *extra))
    assert not (tmp_path / "bad").exists()


def test_unreachable_scheduler_is_named(tmp_path):
    """A scheduler address where nothing listens: error naming the address, nothing written."""
    address = f"tcp://127.0.0.1:{_free_port()}"
    with pytest.raises(ConfigError, match=f"sweep.scheduler = '{address}': no Dask scheduler"):
        run_sweep(grid(tmp_path, "bad", "sweep.executor=dask", f"sweep.scheduler={address}"))
    assert not (tmp_path / "bad").exists()


def test_another_sweep_under_the_same_name_is_refused(tmp_path):
    """Resuming checks that the folder holds the same sweep."""
    run_sweep(grid(tmp_path, "mine", "sweep.executor=sequential"))
    with pytest.raises(ConfigError, match="sweep.name = 'mine': .* holds a different sweep"):
        run_sweep(grid(tmp_path, "mine", "sweep.executor=sequential", "run.seed=7"))


def test_cli_bad_sweep_exits_2_with_one_line(tmp_path, capsys):
    """The command line prints one error line and exits 2."""
    code = main(lhs(tmp_path, "{place.acute.bedz:{low:1,high:2}}", "sweep=capacity_lhs"))
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "place.acute.bedz" in err[0]


def test_cli_multirun_unknown_key_exits_2(tmp_path, capsys):
    """-m over an unknown key names it, before any run."""
    code = main(["-m", "place.acute.bedz=1,2", f"sweep.output_dir={tmp_path}"])
    err = capsys.readouterr().err
    assert code == 2 and "place.acute.bedz" in err
    assert not (tmp_path.parent / "multirun").exists() or not any(
        (tmp_path.parent / "multirun").iterdir()
    )
