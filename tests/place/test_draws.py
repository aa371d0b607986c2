"""Place draws: one named stream per uncertain key, one stratified triangular sampler."""

from __future__ import annotations

import copy

import numpy as np

from sim.config.schema import Uncertain
from sim.engines.rng import sample_triangular, stratified_uniforms, triangular
from sim.jobs.load import load_config
from sim.place.draws import sample_uncertain


def test_adding_an_uncertain_key_leaves_every_other_keys_draws_unchanged():
    """A new key gets its own stream: the existing keys' draws do not reshuffle."""
    place = load_config([]).place
    before = sample_uncertain(place, 30, seed=7)
    more = copy.deepcopy(place)
    more.uncertain["acute.beds"] = Uncertain(low=1000.0, central=1200.0, high=1400.0)
    after = sample_uncertain(more, 30, seed=7)
    assert set(after) == set(before) | {"acute.beds"}
    for key, values in before.items():
        np.testing.assert_array_equal(after[key], values, err_msg=key)


def test_stratified_uniforms_put_one_draw_in_each_stratum():
    """n draws fall one in each of n equal-probability strata."""
    u = stratified_uniforms(3, "x", 50)
    assert sorted(np.floor(u * 50).astype(int)) == list(range(50))


def test_triangular_quantiles_match_the_closed_form_cdf():
    """F(x) of the triangular distribution at its own quantiles returns the probabilities."""
    lo, mode, hi = 2.0, 3.0, 7.0
    u = np.linspace(0.001, 0.999, 99)
    x = triangular(lo, mode, hi, u)
    cdf = np.where(
        x < mode,
        (x - lo) ** 2 / ((hi - lo) * (mode - lo)),
        1 - (hi - x) ** 2 / ((hi - lo) * (hi - mode)),
    )
    np.testing.assert_allclose(cdf, u, atol=1e-12)


def test_one_draw_is_the_central_value_and_draws_are_reproducible():
    """One draw gives the central value; the same seed and name give the same draws."""
    assert sample_triangular(1.0, 2.0, 5.0, 1, 9, "k").tolist() == [2.0]
    a = sample_triangular(1.0, 2.0, 5.0, 40, 9, "k")
    np.testing.assert_array_equal(a, sample_triangular(1.0, 2.0, 5.0, 40, 9, "k"))
    assert not np.array_equal(a, sample_triangular(1.0, 2.0, 5.0, 40, 9, "other"))
