"""Linear regions: the 1-D count is exact, the 2-D grid count is a lower bound."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from rectifiers import (
    ACTIVATIONS,
    MLP,
    Activation,
    activation_patterns,
    count_regions_1d,
    region_boundaries_1d,
    region_map_2d,
)


def random_net(sizes, seed, activation="relu", bias_scale=0.5):
    # Random biases: with the zero biases of a fresh MLP every kink sits at the origin.
    net = MLP(sizes, activation=activation, seed=seed)
    rng = np.random.default_rng(1000 + seed)
    for b in net.biases:
        b[:] = rng.normal(0.0, bias_scale, size=b.shape)
    return net


def segment(net, seed):
    rng = np.random.default_rng(2000 + seed)
    d = net.layer_sizes[0]
    return rng.uniform(-2.0, 2.0, size=d), rng.uniform(-2.0, 2.0, size=d)


def brute_force_count(net, start, end, n):
    """Pattern changes between neighbouring points of an n-point grid on the segment."""
    t = np.linspace(0.0, 1.0, n)
    patterns = activation_patterns(net, start + t[:, None] * (end - start))
    return 1 + int(np.count_nonzero(np.any(patterns[1:] != patterns[:-1], axis=1)))


SMALL_NETS = [
    ([1, 4, 1], "relu"),
    ([1, 3, 3, 1], "relu"),
    ([2, 4, 4, 1], "relu"),
    ([1, 5, 5, 5, 1], "relu"),
    ([3, 6, 4, 1], "relu"),
    ([1, 4, 4, 1], "leaky_relu"),
    ([2, 5, 5, 1], ACTIVATIONS["leaky_relu"].with_params(negative_slope=0.3)),
    ([1, 4, 4, 1], "prelu"),
]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("sizes", "activation"), SMALL_NETS,
                         ids=lambda v: str(v) if isinstance(v, list) else None)
def test_1d_count_equals_brute_force_on_a_grid_finer_than_every_gap(sizes, activation, seed):
    net = random_net(sizes, seed, activation)
    start, end = segment(net, seed)
    ts = region_boundaries_1d(net, start, end)
    gaps = np.diff(np.concatenate([[0.0], ts, [1.0]]))
    # A grid spacing below half the smallest gap puts a grid point in every region.
    n = max(10_001, math.ceil(4.0 / gaps.min()) + 1)
    assert n <= 4_000_001, f"regions too thin for a brute-force grid (gap {gaps.min():.1e})"
    assert count_regions_1d(net, start, end) == brute_force_count(net, start, end, n)


@pytest.mark.parametrize("seed", range(3))
def test_each_boundary_is_a_sign_change_of_some_unit(seed):
    net = random_net([2, 6, 6, 6, 1], seed)
    start, end = segment(net, seed)
    ts = region_boundaries_1d(net, start, end)
    assert len(ts) > 0 and np.all(np.diff(ts) > 0) and ts[0] > 0 and ts[-1] < 1
    delta = 1e-9
    for t in ts:
        left = activation_patterns(net, [start + (t - delta) * (end - start)])
        right = activation_patterns(net, [start + (t + delta) * (end - start)])
        assert np.any(left != right), f"no unit changes sign at t = {t}"


def test_hand_built_hat_has_kinks_at_minus_one_zero_and_one():
    net = MLP([1, 3, 1], seed=0)
    net.weights[0][:] = 1.0
    net.biases[0][:] = [1.0, 0.0, -1.0]          # relu(x + 1), relu(x), relu(x - 1)
    net.weights[1][:] = [[1.0], [-2.0], [1.0]]
    ts = region_boundaries_1d(net, -2.0, 2.0)
    np.testing.assert_allclose(-2.0 + 4.0 * ts, [-1.0, 0.0, 1.0])
    assert count_regions_1d(net, -2.0, 2.0) == 4
    assert count_regions_1d(net, -0.5, 0.5) == 2   # only the kink at 0 inside
    assert count_regions_1d(net, 1.0, 2.0) == 1    # a kink at an end is not inside


@pytest.mark.parametrize("depth", [1, 2, 3, 5])
def test_one_unit_per_layer_gives_at_most_depth_plus_one_pieces(depth):
    most = 0
    for seed in range(40):
        net = random_net([1] + [1] * depth + [1], seed, bias_scale=1.0)
        count = count_regions_1d(net, -3.0, 3.0)
        assert count <= depth + 1
        most = max(most, count)
    assert most >= 2  # the bound is not met by counting nothing


def test_units_with_the_same_kink_give_one_boundary():
    net = MLP([1, 6, 1], seed=0)
    net.weights[0][:] = [[0.3, 0.7, 1.1, 1.9, 2.3, 3.7]]
    net.biases[0][:] = -0.1 * net.weights[0][0]      # every unit has its kink at x = 0.1
    assert count_regions_1d(net, -1.0, 1.0) == 2


def test_zero_biases_leave_at_most_two_pieces_on_a_line_through_the_origin():
    # With zero biases the network is positively homogeneous: linear on each ray.
    net = MLP([1, 8, 8, 8, 1], seed=3)
    assert count_regions_1d(net, -5.0, 5.0) == 2
    assert count_regions_1d(net, 0.5, 5.0) == 1


def test_weights_biases_pair_gives_the_same_result_as_the_mlp():
    net = random_net([2, 5, 5, 1], seed=7, activation="leaky_relu")
    start, end = segment(net, 7)
    pair = (net.weights, net.biases)
    np.testing.assert_array_equal(
        region_boundaries_1d(pair, start, end, activation="leaky_relu"),
        region_boundaries_1d(net, start, end),
    )


def exact_regions_one_layer_in_box(net, xlim, ylim):
    """Cells of the arrangement of the unit lines inside the open box: 1 + lines + crossings.

    Valid in general position (no three lines through one point, no crossing on the edge).
    """
    W, b = net.weights[0], net.biases[0]
    corners = np.array(list(itertools.product(xlim, ylim)))
    values = corners @ W + b
    inside = (values.min(axis=0) < 0) & (values.max(axis=0) > 0)
    crossings = 0
    for i, j in itertools.combinations(np.flatnonzero(inside), 2):
        A = np.array([W[:, i], W[:, j]])
        if abs(np.linalg.det(A)) < 1e-12:
            continue
        x, y = np.linalg.solve(A, -np.array([b[i], b[j]]))
        crossings += xlim[0] < x < xlim[1] and ylim[0] < y < ylim[1]
    return 1 + int(inside.sum()) + crossings


@pytest.mark.parametrize("seed", range(5))
def test_2d_grid_count_is_a_lower_bound_that_grows_with_the_grid(seed):
    net = random_net([2, 7, 1], seed)
    box = ((-2.0, 2.0), (-2.0, 2.0))
    exact = exact_regions_one_layer_in_box(net, *box)
    counts = []
    for resolution in (5, 9, 17, 33, 65, 129, 257):  # each grid contains the previous one
        labels, count = region_map_2d(net, *box, resolution=resolution)
        assert count <= exact
        assert labels.shape == (resolution, resolution)
        assert set(np.unique(labels)) == set(range(count))
        counts.append(count)
    assert counts == sorted(counts)
    assert counts[-1] > counts[0]  # the coarsest grid misses regions that finer ones find


def test_2d_grid_count_misses_a_region_thinner_than_the_grid_spacing():
    net = MLP([2, 2, 1], seed=0)
    net.weights[0][:] = [[1.0, 1.0], [0.0, 0.0]]
    net.biases[0][:] = [0.0, -0.05]            # lines x = 0 and x = 0.05: a thin strip
    assert exact_regions_one_layer_in_box(net, (-1.0, 1.0), (-1.0, 1.0)) == 3
    assert region_map_2d(net, (-1.0, 1.0), (-1.0, 1.0), resolution=20)[1] == 2
    assert region_map_2d(net, (-1.0, 1.0), (-1.0, 1.0), resolution=201)[1] == 3


def test_region_labels_follow_first_appearance():
    net = MLP([2, 2, 1], seed=0)
    net.weights[0][:] = [[1.0, 0.0], [0.0, 1.0]]
    labels, count = region_map_2d(net, (-1.0, 1.0), (-1.0, 1.0), resolution=4)
    # Row 0 is y = -1: x < 0 first, then x > 0; the upper half comes next.
    assert count == 4
    assert labels.tolist() == [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]]


def test_activation_patterns_count_zero_as_off():
    net = MLP([1, 2, 1], seed=0)
    net.weights[0][:] = [[1.0, -1.0]]
    patterns = activation_patterns(net, np.array([[-2.0], [0.0], [3.0]]))
    assert patterns.dtype == bool
    assert patterns.tolist() == [[False, True], [False, False], [True, False]]


# --- bad input -----------------------------------------------------------------------
NET = MLP([2, 3, 1], seed=0)


@pytest.mark.parametrize("activation", [act for act in ACTIVATIONS.values()
                                        if not act.piecewise_linear], ids=str)
def test_refuses_activations_that_are_not_piecewise_linear(activation):
    with pytest.raises(ValueError, match="piecewise_linear=True: relu, leaky_relu, prelu"):
        count_regions_1d(MLP([1, 3, 1], activation=activation), -1.0, 1.0)


def test_a_record_marked_piecewise_linear_is_accepted_by_the_regions():
    absolute = Activation("abs", lambda x, out=None: np.abs(x),
                          lambda x, out=None: np.sign(x), piecewise_linear=True)
    net = MLP([1, 2, 1], activation=absolute, seed=0)
    net.biases[0][:] = [0.5, -0.5]
    net.weights[0][:] = [[1.0, 1.0]]
    assert count_regions_1d(net, -1.0, 1.0) == 3


def test_a_prelu_networks_regions_use_each_units_learned_slope():
    net = random_net([1, 3, 3, 1], seed=4, activation="prelu")
    net.learnable[0][:] = [-2.0, 0.5, 3.0]  # negative and steep slopes move the layer-2 kinks
    X = np.linspace(-3.0, 3.0, 601)[:, None]
    z1 = X @ net.weights[0] + net.biases[0]
    a1 = np.where(z1 > 0, z1, net.learnable[0] * z1)
    z2 = a1 @ net.weights[1] + net.biases[1]
    expected = np.concatenate([z1 > 0, z2 > 0], axis=1)
    np.testing.assert_array_equal(activation_patterns(net, X), expected)


@pytest.mark.parametrize("bad", ["net", None, 3.0, np.zeros((2, 2))])
def test_refuses_what_is_not_a_network(bad):
    with pytest.raises(TypeError, match="MLP"):
        count_regions_1d(bad, -1.0, 1.0)


def test_refuses_mismatched_weights_and_biases():
    W = [np.ones((1, 3)), np.ones((3, 1))]
    with pytest.raises(ValueError, match=r"biases\[0\]"):
        count_regions_1d((W, [np.zeros(2), np.zeros(1)]), -1.0, 1.0)
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        count_regions_1d(([W[0], np.ones((2, 1))], [np.zeros(3), np.zeros(1)]), -1.0, 1.0)
    with pytest.raises(ValueError, match="hidden layer"):
        count_regions_1d(([np.ones((1, 1))], [np.zeros(1)]), -1.0, 1.0)
    with pytest.raises(TypeError, match="activation"):
        count_regions_1d(NET, [0, 0], [1, 1], activation="relu")


@pytest.mark.parametrize("bad", ["0", None, [1 + 2j, 0.0], [True, False], ["a", "b"]])
def test_refuses_segment_ends_that_are_not_real(bad):
    with pytest.raises(TypeError):
        count_regions_1d(NET, bad, [1.0, 1.0])


@pytest.mark.parametrize("bad", [[0.0], [0.0, 0.0, 0.0], [np.nan, 0.0], [np.inf, 1.0]])
def test_refuses_segment_ends_of_the_wrong_shape_or_not_finite(bad):
    with pytest.raises(ValueError, match="start"):
        count_regions_1d(NET, bad, [1.0, 1.0])


def test_refuses_a_segment_of_zero_length():
    with pytest.raises(ValueError, match="differ"):
        region_boundaries_1d(NET, [1.0, 2.0], [1.0, 2.0])


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"resolution": 1}, ValueError),
    ({"resolution": 2.5}, TypeError),
    ({"resolution": True}, TypeError),
    ({"xlim": (1.0, -1.0)}, ValueError),
    ({"xlim": (0.0, np.nan)}, ValueError),
    ({"ylim": (0.0, 1.0, 2.0)}, ValueError),
    ({"ylim": "ab"}, TypeError),
])
def test_region_map_refuses_bad_grids(kwargs, error):
    args = {"xlim": (-1.0, 1.0), "ylim": (-1.0, 1.0), "resolution": 10, **kwargs}
    with pytest.raises(error):
        region_map_2d(NET, **args)


def test_region_map_needs_two_inputs():
    with pytest.raises(ValueError, match="2 inputs"):
        region_map_2d(MLP([3, 4, 1]), (-1, 1), (-1, 1))


@pytest.mark.parametrize("bad", ["x", None, [[1 + 0j, 2.0]], [[1.0, 2.0, 3.0]], [[np.nan, 0.0]]])
def test_activation_patterns_refuses_bad_samples(bad):
    with pytest.raises((TypeError, ValueError), match="X"):
        activation_patterns(NET, bad)
