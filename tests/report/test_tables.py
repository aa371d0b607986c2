"""The pack's tables agree with the appraisal Dataset and format numbers for a board."""

from __future__ import annotations

import numpy as np
import pytest

from sim.jobs.appraise import Appraisal
from sim.report.pack import write_board_pack
from sim.report.stats import count, gbp, gbp_m, option_labels, payback_label, spread
from sim.report.tables import options_money_table, who_pays_table

pytestmark = pytest.mark.xdist_group("report_pack")  # made once on one worker


def test_formats():
    """GBP m with the sign first, thousands separators, signed counts, payback labels."""
    assert gbp_m(-36_292_147.0) == "-£36.3m"
    assert gbp_m(84_945_205.0) == "£84.9m"
    assert gbp(-6891.4) == "-£6,891"
    assert count(-14_735.2) == "-14,735" and count(323.0) == "+323" and count(0.2) == "0"
    years = ["2025/26", "2026/27"]
    assert payback_label(1.0, years) == "2026/27"
    assert payback_label(np.inf, years) == "beyond horizon"
    assert payback_label(-np.inf, years) == "never a net cost"
    assert payback_label(0.0, years) == "2025/26"
    s = spread(np.array([1.0, np.nan, 3.0]))
    assert s.n == 2 and s.p50 == 2.0


def test_money_table_matches_appraisal(result):
    """NPV P50 in the numeric table is the median of the draws, in GBP m."""
    a = result.appraisal
    labels = option_labels(a)
    t = options_money_table(a, labels)
    for o in a["option"].values:
        for v in ("cash", "economic"):
            row = t.data[
                (t.data["Option"] == labels[str(o)])
                & t.data["Measure"].str.startswith(f"Net present value, {v}")
            ]
            npv = float(a["npv"].sel(option=o, view=v).median()) / 1e6
            assert row["P50"].item() == pytest.approx(npv)
    assert list(t.display.columns[:2]) == ["Measure", "Units"]
    assert t.display.shape == (20, 2 + a.sizes["option"])


def test_who_pays_system_row_is_minus_net_cost(result):
    """The organisations' changes add up to minus the change in system net cost."""
    a = result.appraisal
    labels = option_labels(a)
    t = who_pays_table(a, labels)
    col = [c for c in t.data.columns if c.startswith("P50")][0]
    for o in a["option"].values:
        sys_row = t.data[
            (t.data["Option"] == labels[str(o)])
            & t.data["Organisation"].str.startswith("Whole system")
        ]
        total = -a["net_cost_change"].sel(option=o).sum("year").median()
        assert sys_row[col].item() == pytest.approx(float(total) / 1e6, rel=1e-6, abs=1e-6)


def test_no_options_is_refused(result, tmp_path):
    """A pack needs at least one option; nothing is written otherwise."""
    empty = Appraisal(
        None, {"baseline": result.runs["baseline"]}, {"baseline": result.configs["baseline"]}
    )
    with pytest.raises(ValueError, match="at least one option"):
        write_board_pack(empty, tmp_path / "pack")
    assert not (tmp_path / "pack").exists()


def test_running_npv_ends_at_the_npv(result):
    """The fan chart's running NPV in the last year is each draw's NPV."""
    from sim.report.stats import cumulative_discounted_net_benefit

    a = result.appraisal
    a = a.assign_attrs(
        health_discount_rate=result.configs["baseline"].appraisal.health.discount_rate
    )
    for v in ("cash", "economic"):
        end = cumulative_discounted_net_benefit(a, v).isel(year=-1)
        npv = a["npv"].sel(view=v).transpose(*end.dims).values
        np.testing.assert_allclose(end.values, npv, atol=1e-3)
