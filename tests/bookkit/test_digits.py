"""bookkit.digits: the split of the digits, the measurements, training several seeds."""

from __future__ import annotations

import numpy as np
import pytest

from bookkit.digits import (
    Digits,
    layer_grad_norms,
    load_digits_split,
    make_mlp,
    second_moments,
    train_seeds,
    zero_fraction,
)
from rectifiers import MLP, dead_fraction

pytest.importorskip("sklearn", reason="scikit-learn is a book dependency (make venv)")


@pytest.fixture(scope="module")
def digits():
    return load_digits_split()


def small_problem(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(0.0, 1.0, size=(n, 6))
    y = rng.integers(0, 3, size=n)
    return Digits(X[:30], y[:30], X[30:], y[30:])


# --- the split ----------------------------------------------------------------------------
def test_split_is_stratified_scaled_and_complete(digits):
    from sklearn.datasets import load_digits

    full = load_digits()
    X_train, y_train, X_test, y_test = digits
    assert X_train.shape[1] == X_test.shape[1] == 64
    assert len(y_train) + len(y_test) == len(full.target)
    assert X_train.min() >= 0.0 and max(X_train.max(), X_test.max()) == 1.0
    per_class = np.bincount(full.target)
    np.testing.assert_array_equal(np.bincount(y_test), np.round(0.25 * per_class))
    np.testing.assert_array_equal(np.bincount(y_train) + np.bincount(y_test), per_class)
    # Every image is in exactly one set: the multiset of rows is the data set's.
    rows = np.concatenate([X_train, X_test]) * 16
    key = lambda a: np.lexsort(a.T[::-1])  # noqa: E731
    np.testing.assert_array_equal(rows[key(rows)], full.data[key(full.data)])


def test_split_is_repeatable_and_depends_on_the_seed(digits):
    again = load_digits_split()
    other = load_digits_split(seed=1)
    for a, b in zip(digits, again, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(digits.y_test, other.y_test)


def test_split_fraction_sets_the_test_size():
    half = load_digits_split(test_fraction=0.5)
    assert abs(len(half.y_test) - len(half.y_train)) <= 10


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 1.5])
def test_split_rejects_fractions_outside_zero_one(bad):
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits_split(test_fraction=bad)


@pytest.mark.parametrize("bad", ["0.25", None, 1j])
def test_split_rejects_non_numbers(bad):
    with pytest.raises(TypeError, match="test_fraction"):
        load_digits_split(test_fraction=bad)


# --- networks and measurements -------------------------------------------------------------
def test_make_mlp_with_a_name_is_the_library_network():
    net = make_mlp([6, 5, 3], "tanh", seed=4, init="glorot")
    ref = MLP([6, 5, 3], activation="tanh", seed=4, init="glorot", loss="cross_entropy")
    for a, b in zip(net.weights, ref.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert net.loss_name == "cross_entropy"


def test_make_mlp_with_a_number_rescales_the_he_draws():
    he = make_mlp([64, 32, 32, 10], seed=3)
    small = make_mlp([64, 32, 32, 10], seed=3, init=0.01)
    for W_he, W in zip(he.weights, small.weights, strict=True):
        np.testing.assert_allclose(W, W_he * 0.01 / np.sqrt(2.0 / W.shape[0]), rtol=1e-14)
    assert small.weights[0].std() == pytest.approx(0.01, rel=0.1)


@pytest.mark.parametrize("bad, error", [(0.0, ValueError), (-1.0, ValueError),
                                        ("big", ValueError), (None, TypeError)])
def test_make_mlp_rejects_bad_inits(bad, error):
    with pytest.raises(error, match="init"):
        make_mlp([4, 3, 2], init=bad)


def test_layer_grad_norms_are_the_frobenius_norms_of_the_weight_gradients():
    data = small_problem()
    net = make_mlp([6, 5, 4, 3], "sigmoid", seed=1)
    _, grads = net.loss_and_grads(data.X_train, data.y_train)
    expected = [np.sqrt(np.sum(dW**2)) for dW in grads.weights]
    np.testing.assert_allclose(layer_grad_norms(net, data.X_train, data.y_train), expected,
                               rtol=1e-14)


def test_second_moments_are_the_mean_squares_of_input_and_hidden_outputs():
    data = small_problem()
    net = make_mlp([6, 5, 4, 3], "relu", seed=2)
    h1 = np.maximum(data.X_train @ net.weights[0] + net.biases[0], 0.0)
    h2 = np.maximum(h1 @ net.weights[1] + net.biases[1], 0.0)
    expected = [np.mean(data.X_train**2), np.mean(h1**2), np.mean(h2**2)]
    np.testing.assert_allclose(second_moments(net, data.X_train), expected, rtol=1e-14)


def test_he_keeps_the_second_moment_where_glorot_halves_it(digits):
    # The chapter's claim, checked in expectation over many seeds: 10 layers of width 32.
    sizes = (64,) + (32,) * 10 + (10,)
    he = np.mean([second_moments(make_mlp(sizes, seed=s), digits.X_train[:200])
                  for s in range(30)], axis=0)
    glorot = np.mean([second_moments(make_mlp(sizes, seed=s, init="glorot"),
                                     digits.X_train[:200]) for s in range(30)], axis=0)
    assert 0.3 < he[10] / he[0] < 3.0
    assert glorot[10] / he[10] == pytest.approx((64 / 96) * 0.5**9, rel=0.5)


def test_zero_fraction_counts_exact_zeros_per_layer():
    data = small_problem()
    relu_net = make_mlp([6, 5, 4, 3], "relu", seed=5)
    expected = [np.mean(z <= 0) for z in relu_net.preactivations(data.X_train)]
    np.testing.assert_allclose(zero_fraction(relu_net, data.X_train), expected)
    leaky = make_mlp([6, 5, 4, 3], "leaky_relu", seed=5)
    np.testing.assert_array_equal(zero_fraction(leaky, data.X_train), [0.0, 0.0])


# --- training several seeds together -------------------------------------------------------
@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu"])
def test_train_seeds_trains_each_seed_as_fit_would(activation):
    data = small_problem(n=70)
    sizes, seeds = (6, 8, 8, 3), (0, 1, 2)
    runs = train_seeds(activation, data, seeds=seeds, layer_sizes=sizes, epochs=4,
                       lr=0.2, batch_size=7, per_layer=False)
    assert not runs.diverged.any()
    for k, seed in enumerate(seeds):
        alone = make_mlp(sizes, activation, seed=seed)
        history = alone.fit(data.X_train, data.y_train, epochs=4, lr=0.2, batch_size=7,
                            seed=seed)
        for a, b in zip(alone.parameters(), runs.nets[k].parameters(), strict=True):
            np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(runs.loss[k, 1:], history, rtol=1e-12)


def test_train_seeds_reports_a_diverged_seed_and_leaves_its_later_epochs_nan():
    data = small_problem()
    # A learning rate this large makes the logits overflow: the loss stops being finite.
    runs = train_seeds("relu", data, seeds=(0,), layer_sizes=(6, 8, 3), epochs=3,
                       lr=1e200, batch_size=10, per_layer=False)
    assert runs.diverged.tolist() == [True]
    assert np.isfinite(runs.loss[0, 0])
    assert np.isnan(runs.loss[0, -1]) and np.isnan(runs.accuracy[0, -1])


def test_train_seeds_records_every_epoch_from_initialisation():
    data = small_problem()
    runs = train_seeds("relu", data, seeds=(3, 4), layer_sizes=(6, 5, 4, 3), epochs=2,
                       lr=0.1, batch_size=10)
    assert runs.loss.shape == runs.accuracy.shape == (2, 3)
    assert runs.grad_norms.shape == (2, 3, 3) and runs.dead.shape == (2, 3, 2)
    assert not np.isnan(runs.grad_norms).any() and not runs.diverged.any()
    fresh = make_mlp((6, 5, 4, 3), "relu", seed=3)
    assert runs.loss[0, 0] == pytest.approx(fresh.loss(data.X_train, data.y_train))
    np.testing.assert_allclose(runs.grad_norms[0, 0],
                               layer_grad_norms(fresh, data.X_train, data.y_train))
    np.testing.assert_array_equal(runs.dead[0, 0],
                                  dead_fraction(fresh.preactivations(data.X_train)))
    trained = runs.nets[1]
    assert runs.accuracy[1, -1] == trained.accuracy(data.X_test, data.y_test)


def test_train_seeds_without_per_layer_measurements_leaves_them_nan():
    data = small_problem()
    runs = train_seeds("tanh", data, seeds=(0,), layer_sizes=(6, 4, 3), epochs=1,
                       per_layer=False)
    assert np.isnan(runs.grad_norms).all() and np.isnan(runs.dead).all()
    assert np.isfinite(runs.accuracy).all()

