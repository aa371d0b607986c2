"""Bad input for the patient engine: one line naming the key and value, before any work."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.config.errors import ConfigError
from sim.jobs.load import load_config

from .helpers import run_patient

PE = "run.engine=patient"
CASES = [
    ("run.patient.ed_decision_hours.mean=-2", "run.patient.ed_decision_hours.mean = -2.0: "
     "must be > 0"),
    ("run.patient.ed_hourly_profile=[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]",
     "run.patient.ed_hourly_profile = [1.0,"),
    ("run.patient.ambulance_crews=0", "run.patient.ambulance_crews = 0: every 999 incident"),
    ("run.patient.ed_cubicles=0", "run.patient.ed_cubicles = 0: type 1 attendances need a "
     "cubicle"),
    ("run.patient.los_distribution=weibull", "run.patient.los_distribution = 'weibull': allowed"),
    ("run.patient.warm_start=/no/such/file.csv", "run.patient.warm_start = '/no/such/file.csv'"),
    ("run.patient.event_log_format=xes", "run.patient.event_log_format = 'xes': allowed "
     "episodes, process_mining"),
]  # fmt: skip


@pytest.mark.parametrize(("override", "expected"), CASES)
def test_bad_patient_settings_are_refused_naming_the_key(override, expected):
    with pytest.raises(ConfigError) as err:
        load_config([PE, override])
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_profile_message_says_how_many_values_are_needed():
    with pytest.raises(ConfigError, match="has 23 values; needs 24 hourly values"):
        load_config([PE, "run.patient.ed_hourly_profile=[" + ",".join(["1"] * 23) + "]"])


def test_required_beds_with_no_overflow_are_refused():
    """No beds and no boarders sent home: decided admissions could never leave."""
    with pytest.raises(ConfigError, match=r"place.acute.beds = 0.0: decided admissions need a bed"):
        load_config([PE, "place.acute.beds=0", "place.acute.boarding_discharge_per_day=0"])


def test_zero_cubicles_are_allowed_with_the_corridor_overflow():
    load_config([PE, "run.patient.ed_cubicles=0", "run.patient.ed_overflow=corridor"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("services,cohort,patients\n", "needs columns service,cohort,patients"),
        ("service,cohort,patients\nwards,all,3\n", "line 2: service 'wards'; allowed"),
        ("service,cohort,patients\nacute_beds,all,-3\n", "line 2: patients = -3.0: must be"),
        (
            "service,cohort,patients\nacute_beds,all,many\n",
            "line 2: patients 'many' is not a number",
        ),
        ("service,cohort,patients\nacute_beds,old|frail,3\n", "line 2: cohort 'old|frail'"),
    ],
)
def test_malformed_snapshot_is_refused_before_any_simulation(tmp_path, text, expected):
    path = tmp_path / "today.csv"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:  # by the validation, before any work
        load_config([PE, "run.draws=1", f"run.patient.warm_start={path}"])
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_snapshot_warm_start_fills_the_hospital(tmp_path):
    """A snapshot of today's occupancy is where the run starts (not an empty hospital)."""
    path = tmp_path / "today.csv"
    path.write_text(
        "service,cohort,patients\nacute_beds,all,1100\nawait_p1,all,60\n"
        "await_p3,80+|frail|q1,20\ncare_home,all,5000\n"
    )
    ds = run_patient(["run.horizon_years=0.01", f"run.patient.warm_start={path}"])[0]
    assert 6100 < float(ds["people_initial"][0]) < 6260
    first = float(ds["occupied_midnight"].sel(service="acute_beds").isel(draw=0, time=0))
    assert 1100 < first < 1260


def test_cli_refuses_bad_patient_input_with_one_line(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            PE,
            "run.patient.ambulance_crews=0",
            f"run.output_dir={tmp_path}",
            "run.name=bad",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "run.patient.ambulance_crews = 0" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_cli_runs_the_patient_engine(tmp_path):
    """`python -m sim run.engine=patient` runs it and writes the run folder."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            PE,
            "run.draws=1",
            "run.horizon_years=0.02",
            "run.charts=false",
            f"run.output_dir={tmp_path}",
            "run.name=pe",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    import xarray as xr

    with xr.open_dataset(tmp_path / "pe" / "results.nc") as ds:
        assert ds.attrs["engine"] == "patient"


def test_scenarios_with_levers_are_refused_rather_than_ignored():
    """Time-phased scenario levers run on the stock-flow engine only: a clear error."""
    with pytest.raises(ConfigError, match=r"run.engine = 'patient': scenario=homefirst"):
        load_config([PE, "scenario=homefirst"])
