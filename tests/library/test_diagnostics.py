"""Tests for rectifiers.diagnostics: dead-unit masks, and the born-dead formula and simulation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import Tensor

from rectifiers import born_dead_exact, born_dead_rate, dead_fraction, dead_units

# ---------------------------------------------------------------- dead_units / dead_fraction


def test_dead_units_marks_columns_nonpositive_for_every_sample():
    z = np.array([
        [1.0, -2.0, -1.0, 0.5],
        [-3.0, -0.1, 2.0, 0.5],
        [-1.0, -5.0, -1.0, 0.5],
    ])
    assert dead_units(z).tolist() == [False, True, False, False]


def test_dead_units_counts_exact_zero_as_dead():
    # ReLU'(0) = 0, so a unit sitting exactly at 0 gets no gradient either.
    z = np.array([[0.0, -0.0, 0.0], [0.0, -0.0, 1e-300]])
    assert dead_units(z).tolist() == [True, True, False]


def test_dead_units_treats_infinities_by_sign():
    z = np.array([[-np.inf, np.inf], [-1.0, -1.0]])
    assert dead_units(z).tolist() == [True, False]


def test_dead_units_one_alive_sample_keeps_a_unit_alive():
    z = -np.ones((1000, 3))
    z[537, 1] = 1e-3
    assert dead_units(z).tolist() == [True, False, True]


def test_dead_units_accepts_lists_integers_float32_and_array_protocol():
    expected = [True, False]
    assert dead_units([[-1, 2], [-3, -4]]).tolist() == expected
    assert dead_units(np.array([[-1, 2], [-3, -4]], dtype=np.float32)).tolist() == expected
    assert dead_units(Tensor([[-1.0, 2.0], [-3.0, -4.0]], np.float32)).tolist() == expected


def test_dead_units_returns_boolean_mask_of_unit_count():
    mask = dead_units(np.zeros((5, 7)))
    assert mask.dtype == np.bool_ and mask.shape == (7,)


@pytest.mark.parametrize("empty", [[], np.zeros((0, 3)), np.zeros((4, 0))])
def test_dead_units_refuses_empty_input(empty):
    with pytest.raises(ValueError, match="empty"):
        dead_units(empty)


@pytest.mark.parametrize("bad", [[1.0, -1.0], np.zeros((2, 2, 2)), 3.0])
def test_dead_units_refuses_wrong_rank(bad):
    with pytest.raises(ValueError, match=r"\(n_samples, n_units\)"):
        dead_units(bad)


def test_dead_units_refuses_nan():
    with pytest.raises(ValueError, match="NaN"):
        dead_units([[-1.0, np.nan], [-1.0, -1.0]])


@pytest.mark.parametrize("bad", [[["a", "b"]], None, np.array([[True, False]])])
def test_dead_units_refuses_non_numeric_input(bad):
    with pytest.raises(TypeError):
        dead_units(bad)


def test_dead_fraction_of_one_layer_is_a_float():
    frac = dead_fraction([[-1.0, 2.0, -3.0, 0.0], [-1.0, -2.0, -3.0, 0.0]])
    assert type(frac) is float
    assert frac == 0.75


def test_dead_fraction_of_a_list_gives_one_fraction_per_layer():
    layers = [
        np.array([[-1.0, 1.0], [-1.0, 1.0]]),  # 1 of 2 dead
        np.array([[-1.0, -1.0, -1.0], [-1.0, -1.0, 2.0]]),  # 2 of 3 dead
        np.array([[1.0], [1.0]]),  # none dead
    ]
    fractions = dead_fraction(layers)
    assert isinstance(fractions, np.ndarray) and fractions.shape == (3,)
    np.testing.assert_allclose(fractions, [1 / 2, 2 / 3, 0.0])
    np.testing.assert_allclose(dead_fraction(tuple(layers)), fractions)


def test_dead_fraction_reads_nested_lists_of_layers():
    assert dead_fraction([[[-1.0, 1.0]], [[-2.0]]]).tolist() == [0.5, 1.0]


def test_dead_fraction_error_names_the_bad_layer():
    with pytest.raises(ValueError, match="layer 1"):
        dead_fraction([np.ones((2, 2)), np.ones(3)])
    with pytest.raises(ValueError, match="layer 0.*NaN"):
        dead_fraction([np.full((2, 2), np.nan), np.ones((2, 2))])


# ---------------------------------------------------------------- born_dead_exact


@pytest.mark.parametrize(
    ("width", "depth", "by_hand"),
    [
        (1, 1, 1 / 2),  # the one unit is off with probability 1/2
        (1, 2, 3 / 4),  # dead unless both units are on: 1 - 1/4
        (2, 1, 1 / 4),  # both units off
        (2, 2, 7 / 16),  # 1 - (3/4)^2
        (3, 1, 1 / 8),
        (1, 10, 1023 / 1024),
    ],
)
def test_born_dead_exact_known_values(width, depth, by_hand):
    assert born_dead_exact(width, depth) == pytest.approx(by_hand, rel=1e-14)


def test_born_dead_exact_follows_the_layer_by_layer_recursion():
    # P(dead after layer L) = P(dead after L-1) + P(alive after L-1) * 2**-width.
    for width in (1, 2, 5, 10):
        p = 0.0
        for depth in range(1, 60):
            p = p + (1.0 - p) * 2.0**-width
            assert born_dead_exact(width, depth) == pytest.approx(p, rel=1e-12)


def test_born_dead_exact_keeps_tiny_probabilities_accurate():
    # 1 - (1 - 2**-60) evaluates to 0.0 in floating point; the answer is 2**-60.
    assert born_dead_exact(60, 1) == pytest.approx(2.0**-60, rel=1e-12)
    assert born_dead_exact(60, 3) == pytest.approx(3 * 2.0**-60, rel=1e-12)


def test_born_dead_exact_grows_with_depth_towards_one_and_shrinks_with_width():
    assert born_dead_exact(2, 10) < born_dead_exact(2, 20) < born_dead_exact(2, 200)
    assert born_dead_exact(2, 200) > 1 - 1e-12
    assert born_dead_exact(3, 10) < born_dead_exact(2, 10)


@pytest.mark.parametrize(("width", "depth"), [(0, 1), (1, 0), (-3, 2)])
def test_born_dead_exact_refuses_sizes_below_one(width, depth):
    with pytest.raises(ValueError, match=">= 1"):
        born_dead_exact(width, depth)


@pytest.mark.parametrize("bad", [2.0, True, "3", None])
def test_born_dead_exact_refuses_non_integer_sizes(bad):
    with pytest.raises(TypeError, match="width must be an int"):
        born_dead_exact(bad, 2)


# ---------------------------------------------------------------- born_dead_rate


@pytest.mark.parametrize(("width", "depth"), [(1, 1), (1, 4), (2, 3), (3, 6), (4, 12), (6, 30)])
def test_born_dead_rate_agrees_with_formula_within_four_standard_errors(width, depth):
    trials = 20_000
    p = born_dead_exact(width, depth)
    estimate = born_dead_rate(width, depth, trials=trials, seed=2024)
    se = math.sqrt(p * (1 - p) / trials)
    assert abs(estimate - p) < 4 * se


def test_born_dead_rate_interval_width_one_matches_hand_derivation():
    # Width 1: the first unit is on at exactly one of x = +1, -1, so the other side is dead
    # already; the net is constant on [-1, 1] iff one of the depth - 1 later units is off
    # on the live side: probability 1 - 2**(1 - depth).
    assert born_dead_rate(1, 1, trials=2000, seed=3, interval=True) == 0.0
    trials = 20_000
    for depth in (2, 3, 5):
        p = 1 - 2.0 ** (1 - depth)
        estimate = born_dead_rate(1, depth, trials=trials, seed=depth, interval=True)
        assert abs(estimate - p) < 4 * math.sqrt(p * (1 - p) / trials)


@pytest.mark.parametrize(("width", "depth"), [(1, 3), (2, 4), (3, 10), (5, 40)])
def test_interval_event_never_exceeds_point_event_for_the_same_seed(width, depth):
    for seed in range(3):
        point = born_dead_rate(width, depth, trials=3000, seed=seed)
        interval = born_dead_rate(width, depth, trials=3000, seed=seed, interval=True)
        assert interval <= point


def test_interval_event_is_strictly_rarer_for_narrow_nets():
    trials = 20_000
    point = born_dead_rate(2, 4, trials=trials, seed=11)
    interval = born_dead_rate(2, 4, trials=trials, seed=11, interval=True)
    se = math.sqrt(0.25 / trials)
    assert point - interval > 10 * se


def test_born_dead_rate_returns_a_reproducible_float():
    a = born_dead_rate(3, 5, trials=5000, seed=7)
    assert type(a) is float
    assert a == born_dead_rate(3, 5, trials=5000, seed=7)


def test_born_dead_rate_depends_on_the_seed():
    estimates = {born_dead_rate(2, 3, trials=5000, seed=s) for s in range(4)}
    assert len(estimates) > 1


def test_born_dead_rate_handles_trials_not_a_multiple_of_the_batch():
    # 4097 nets span two batches; the count must still be divided by 4097.
    est = born_dead_rate(1, 1, trials=4097, seed=5)
    assert abs(est - 0.5) < 4 * math.sqrt(0.25 / 4097)
    assert (est * 4097) == pytest.approx(round(est * 4097))


@pytest.mark.parametrize(
    "kwargs", [dict(width=0, depth=2), dict(width=2, depth=0), dict(width=2, depth=2, trials=0)]
)
def test_born_dead_rate_refuses_counts_below_one(kwargs):
    with pytest.raises(ValueError, match=">= 1"):
        born_dead_rate(**kwargs)


def test_born_dead_rate_refuses_non_integer_trials():
    with pytest.raises(TypeError, match="trials must be an int"):
        born_dead_rate(2, 2, trials=1e4)


# ---------------------------------------------------------------- agreement with rectifiers.MLP


def _mlp_dead_fraction(width, depth, seeds, x):
    """Fraction of MLP([1, width, ..., 1], seed=s) whose last hidden layer is all-zero at x."""
    from rectifiers import MLP

    X = np.array(x, dtype=float).reshape(-1, 1)
    dead = [dead_units(MLP([1] + [width] * depth + [1], seed=s).preactivations(X)[-1]).all()
            for s in seeds]
    return float(np.mean(dead))


@pytest.mark.parametrize(("width", "depth"), [(2, 3), (3, 2)])
def test_born_dead_rate_is_consistent_with_building_mlp_objects(width, depth):
    # The vectorised simulation and MLP objects must describe the same random networks.
    n_mlp, n_sim = 400, 20_000
    from_mlps = _mlp_dead_fraction(width, depth, range(n_mlp), [1.0])
    simulated = born_dead_rate(width, depth, trials=n_sim, seed=99)
    p = born_dead_exact(width, depth)
    se_diff = math.sqrt(p * (1 - p) * (1 / n_mlp + 1 / n_sim))
    assert abs(from_mlps - simulated) < 4 * se_diff
    assert abs(from_mlps - p) < 4 * math.sqrt(p * (1 - p) / n_mlp)


def test_interval_rate_is_consistent_with_mlp_objects_dead_at_both_ends():
    n_mlp, n_sim = 400, 20_000
    from_mlps = _mlp_dead_fraction(2, 3, range(n_mlp), [1.0, -1.0])
    simulated = born_dead_rate(2, 3, trials=n_sim, seed=5, interval=True)
    q = simulated  # no closed form: use the precise estimate for the spread
    assert abs(from_mlps - simulated) < 4 * math.sqrt(q * (1 - q) * (1 / n_mlp + 1 / n_sim))


def test_mlp_dead_at_one_positive_input_is_dead_at_every_positive_input():
    # Zero biases make the net positively homogeneous: z(c x) = c z(x) for c > 0.
    from rectifiers import MLP

    X = np.array([[0.01], [0.5], [1.0], [7.0], [1e6]])
    for seed in range(200):
        net = MLP([1, 2, 2, 2, 1], seed=seed)
        last = net.preactivations(X)[-1]
        per_input = [not np.any(row > 0) for row in last]
        assert len(set(per_input)) == 1
