"""Bad finance input: a one-line ConfigError naming the key, the value and what is allowed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sim.config.errors import ConfigError
from sim.jobs.load import load_config


# new entries of a keyed dict come from YAML (a scenario); here an existing contract is changed
def risk(shares: str) -> tuple[str, str]:
    """Overrides making icb_acute a risk share with these shares."""
    return (
        "finance.contracts.icb_acute.mechanism=risk_share",
        "++finance.contracts.icb_acute.shares={" + shares + "}",
    )


CASES = [
    ("finance.unit_costs.nel_admission.gbp=-5",
     "finance.unit_costs.nel_admission.gbp = -5.0: must be a finite number >= 0"),
    ("finance.costs.acute_beds.provider=hospital",
     "finance.costs.acute_beds.provider = 'hospital': unknown organisation; allowed icb, acute"),
    ("finance.contracts.icb_acute.payer=nhse",
     "finance.contracts.icb_acute.payer = 'nhse': unknown organisation"),
    ("finance.contracts.icb_acute.mechanism=barter",
     "finance.contracts.icb_acute.mechanism = 'barter': allowed block, activity, api, blended, "
     "capitation, risk_share"),
    (risk("icb:0.5,acute:0.3,community:0.3"),
     "finance.contracts.icb_acute.shares = {'icb': 0.5, 'acute': 0.3, 'community': 0.3}: "
     "shares sum "
     "to 1.1; must sum to 1"),
    (risk("icb:0.5,acute:0.3,council:0.2"),
     "finance.contracts.icb_acute.shares.council = 'council': unknown organisation"),
    ("finance.price_year=2030/31",
     "finance.price_year = '2030/31': allowed a year of finance.index (2013/14 to 2025/26)"),
    ("finance.unit_costs.gp_appointment.price_year=2009/10",
     "finance.unit_costs.gp_appointment.price_year = '2009/10': allowed a year of finance.index"),
    ("finance.price_year=2024", "finance.price_year = '2024': must be a financial year like"),
    ("finance.costs.acute_beds.unit_cost=bed", "finance.costs.acute_beds.unit_cost = 'bed': "
     "allowed"),
    ("finance.costs.acute_beds.driver=beds_used", "finance.costs.acute_beds.driver = "
     "'beds_used': unknown results variable"),
    ("finance.costs.acute_beds.fixed_share=0.7",
     "finance.costs.acute_beds: fixed_share + semi_fixed_share = 1.15; must be <= 1"),
    ("finance.unit_costs.virtual_ward_day.low=1000",
     "finance.unit_costs.virtual_ward_day: low 1000.0, gbp 935.0, high 1215.0: must satisfy "
     "low <= gbp <= high"),
    ("finance.contracts.icb_acute.start_year=0",
     "finance.contracts.icb_acute.start_year = 0: must be >= 1"),
]  # fmt: skip


@pytest.mark.parametrize(("override", "expected"), CASES)
def test_bad_finance_input_names_the_key(override, expected):
    """Composition refuses the input with one line naming key, value and rule."""
    with pytest.raises(ConfigError) as err:
        load_config(list(override) if isinstance(override, tuple) else [override])
    assert expected in str(err.value)
    assert "\n" not in str(err.value)


def test_cli_refuses_a_negative_cost_and_writes_nothing(tmp_path):
    """`python -m sim finance...gbp=-5` exits 2 with one error line and no results."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "finance.unit_costs.nel_admission.gbp=-5",
            f"run.output_dir={tmp_path}",
            "run.name=bad",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "finance.unit_costs.nel_admission.gbp = -5.0" in lines[0]
    assert list(tmp_path.iterdir()) == []


def test_bad_investment_range_names_the_key(default_finance):
    """An investment whose low is above its central value is refused (lines come from YAML)."""
    import copy

    from sim.finance.validate import validate_finance

    from .synthetic import investment

    cfg = copy.deepcopy(default_finance)
    cfg.investments["cv"] = investment(5.0, low=6.0, high=9.0)
    with pytest.raises(
        ConfigError,
        match=r"finance.investments.cv.gbp_per_year: low 6.0, "
        r"central 5.0, high 9.0: must satisfy low <= central <= high",
    ):
        validate_finance(cfg)
    cfg.investments["cv"] = investment(5.0, provider="care_homes")
    with pytest.raises(
        ConfigError, match="finance.investments.cv.provider = 'care_homes': unknown organisation"
    ):
        validate_finance(cfg)


def test_finance_keys_can_be_overridden():
    """Contracts are keyed by name, so one field changes from the command line."""
    cfg = load_config(
        ["finance.contracts.icb_acute.mechanism=activity", "finance.price_year=2023/24"]
    )
    assert cfg.finance.contracts["icb_acute"].mechanism == "activity"
    assert cfg.finance.price_year == "2023/24"
