"""Tests for bookkit.experiments: the set-up of chapter 4's experiment A."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from bookkit.experiments import EXPERIMENT_A, experiment_a, toy_regression, train_and_track
from rectifiers import MLP, dead_fraction


def test_toy_regression_shapes_range_and_target():
    X, y = toy_regression(100, seed=3)
    assert X.shape == (100, 2) and y.shape == (100, 1)
    assert np.all(np.abs(X) <= 1.0)
    np.testing.assert_allclose(y[:, 0], np.sin(np.pi * X[:, 0]) * np.cos(np.pi * X[:, 1]))


def test_toy_regression_is_fixed_by_its_seed():
    a, b, c = toy_regression(50, 1), toy_regression(50, 1), toy_regression(50, 2)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


def test_train_and_track_records_one_row_per_epoch_plus_init():
    rec = train_and_track(0.03, seed=1, epochs=3)
    n_hidden = len(EXPERIMENT_A["layer_sizes"]) - 2
    assert rec.dead.shape == (4, n_hidden) and rec.loss.shape == (4,)
    assert not rec.diverged and np.all(np.isfinite(rec.loss))
    X, y = toy_regression()
    fresh = MLP(list(EXPERIMENT_A["layer_sizes"]), seed=1)
    np.testing.assert_array_equal(rec.dead[0], dead_fraction(fresh.preactivations(X)))
    assert rec.loss[0] == fresh.loss(X, y)
    np.testing.assert_array_equal(rec.dead[-1], dead_fraction(rec.net.preactivations(X)))


def test_train_and_track_is_reproducible():
    a, b = train_and_track(0.1, seed=2, epochs=4), train_and_track(0.1, seed=2, epochs=4)
    np.testing.assert_array_equal(a.dead, b.dead)
    np.testing.assert_array_equal(a.loss, b.loss)


def test_first_layer_dead_units_never_come_back():
    # A first-layer unit sees the fixed data: once dead on all of it, its gradient stays 0.
    for lr in (0.1, 0.25):
        for seed in range(3):
            first = train_and_track(lr, seed=seed, epochs=15).dead[:, 0]
            assert np.all(np.diff(first) >= 0)


def test_large_negative_bias_kills_the_network_and_it_never_learns():
    rec = train_and_track(0.1, seed=0, bias_init=-1.0)
    assert np.all(rec.dead[:, -1] == 1.0)  # last hidden layer dead from start to end
    _, y = toy_regression()
    # Only the output bias still learns: a constant can do no better than the variance of y.
    assert np.all(rec.loss >= np.var(y))
    assert rec.loss[-1] == pytest.approx(np.var(y), rel=1e-2)


def test_a_diverging_run_is_flagged_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rec = train_and_track(50.0, seed=0, epochs=5)
    assert rec.diverged
    assert np.isnan(rec.loss[-1]) and np.all(np.isnan(rec.dead[-1]))


def test_train_and_track_accepts_another_activation():
    rec = train_and_track(0.03, activation="leaky_relu", seed=0, epochs=2)
    assert rec.net.activation.name == "leaky_relu" and rec.dead.shape == (3, 3)


def test_experiment_a_stacks_learning_rates_and_seeds():
    out = experiment_a(learning_rates=(0.01, 0.1), seeds=(0, 1, 2), epochs=2)
    assert out["dead"].shape == (2, 3, 3, 3)
    assert out["loss"].shape == (2, 3, 3)
    assert out["diverged"].shape == (2, 3) and not out["diverged"].any()
    single = train_and_track(0.1, seed=2, epochs=2)
    np.testing.assert_array_equal(out["dead"][1, 2], single.dead)


def test_experiment_a_keeps_the_trained_nets():
    out = experiment_a(learning_rates=(0.01, 0.1), seeds=(0, 1), epochs=2)
    assert [len(row) for row in out["nets"]] == [2, 2]
    single = train_and_track(0.1, seed=1, epochs=2)
    for mine, theirs in zip(out["nets"][1][1].weights, single.net.weights, strict=True):
        np.testing.assert_array_equal(mine, theirs)


@pytest.mark.parametrize(("kwargs", "error", "name"), [
    ({"n_samples": 0}, ValueError, "n_samples"), ({"n_samples": 2.5}, TypeError, "n_samples"),
    ({"epochs": -1}, ValueError, "epochs"), ({"epochs": 1.0}, TypeError, "epochs"),
    ({"batch_size": 0}, ValueError, "batch_size"), ({"seed": -1}, ValueError, "seed"),
    ({"data_seed": -2}, ValueError, "seed"), ({"layer_sizes": ()}, ValueError, "layer_sizes"),
    ({"layer_sizes": (3, 8, 1)}, ValueError, "layer_sizes"), ({"lr": 0.0}, ValueError, "lr"),
    ({"lr": -0.1}, ValueError, "lr"), ({"bias_init": "0"}, TypeError, "bias_init"),
])
def test_train_and_track_checks_its_arguments_naming_the_parameter(kwargs, error, name):
    settings = {"lr": 0.01, "epochs": 1} | kwargs
    with pytest.raises(error, match=name):
        train_and_track(**settings)


@pytest.mark.parametrize(("kwargs", "error", "name"), [
    ({"learning_rates": ()}, ValueError, "learning_rates"),
    ({"seeds": []}, ValueError, "seeds"), ({"seeds": 3}, TypeError, "seeds"),
    ({"learning_rates": "0.1"}, TypeError, "learning_rates"),
])
def test_experiment_a_refuses_empty_or_non_sequence_settings(kwargs, error, name):
    with pytest.raises(error, match=name):
        experiment_a(epochs=1, **kwargs)


@pytest.mark.parametrize(("n_samples", "error"), [(0, ValueError), (-5, ValueError),
                                                  (3.0, TypeError), (True, TypeError)])
def test_toy_regression_refuses_bad_sizes(n_samples, error):
    with pytest.raises(error, match="n_samples"):
        toy_regression(n_samples)


def test_a_net_without_hidden_layers_has_no_dead_units_to_track():
    rec = train_and_track(0.05, layer_sizes=(2, 1), epochs=3)
    assert rec.dead.shape == (4, 0) and np.all(np.isfinite(rec.loss))
    assert rec.loss[-1] < rec.loss[0]
    out = experiment_a(learning_rates=(0.05,), seeds=(0,), layer_sizes=(2, 1), epochs=1)
    assert out["dead"].shape == (1, 1, 2, 0)
