"""The MLP with the relatives of ReLU (chapter 5), including PReLU's learned slopes."""

from __future__ import annotations

import numpy as np
import pytest

from rectifiers import MLP, check_grad, prelu
from rectifiers.activations import ACTIVATIONS

RELATIVES = ["leaky_relu", "prelu", "elu", "gelu", "silu", "softplus"]


def toy_problem(n=64, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(n, 2))
    y = np.sin(X[:, :1]) + 0.5 * X[:, 1:] ** 2
    return X, y


@pytest.mark.parametrize("name", RELATIVES)
def test_mlp_accepts_every_relative_by_name_and_its_gradients_check(name):
    X, y = toy_problem(n=16)
    net = MLP([2, 6, 5, 1], activation=name, seed=3)
    _, grads = net.loss_and_grads(X, y)
    params = net.weights + net.biases + net.slopes
    for param, grad in zip(params, [g for group in grads for g in group], strict=True):
        result = check_grad(lambda _: net.loss(X, y), grad, param)
        assert result.max_rel_error < 1e-6, (name, result)


@pytest.mark.parametrize("name", RELATIVES)
def test_training_with_every_relative_reduces_the_loss(name):
    X, y = toy_problem()
    net = MLP([2, 16, 16, 1], activation=name, seed=0)
    initial = net.loss(X, y)
    history = net.fit(X, y, epochs=30, lr=0.05, batch_size=16)
    assert history[-1] < 0.5 * initial


def test_prelu_mlp_has_one_slope_per_hidden_unit_starting_at_a_quarter():
    net = MLP([3, 5, 4, 2], activation="prelu")
    assert [s.shape for s in net.slopes] == [(5,), (4,)]
    assert all(np.all(s == 0.25) for s in net.slopes)
    assert MLP([3, 5, 2], activation="relu").slopes == []


def test_prelu_mlp_applies_each_units_slope():
    net = MLP([1, 3, 1], activation="prelu", seed=0)
    net.slopes[0][:] = [0.0, 0.5, -1.0]
    X = np.array([[-1.0], [2.0]])
    z = X @ net.weights[0] + net.biases[0]
    expected = prelu(z, slope=net.slopes[0]) @ net.weights[1] + net.biases[1]
    np.testing.assert_array_equal(net.forward(X), expected)


def test_prelu_mlp_learns_its_slopes():
    X, y = toy_problem()
    net = MLP([2, 16, 16, 1], activation="prelu", seed=0)
    loss, grads = net.loss_and_grads(X, y)
    assert len(grads) == 3
    before = [s.copy() for s in net.slopes]
    net.step(grads, lr=0.1)
    for s, s0, ds in zip(net.slopes, before, grads[2], strict=True):
        np.testing.assert_allclose(s, s0 - 0.1 * ds)
    assert any(np.any(ds != 0) for ds in grads[2])


def test_step_refuses_grads_of_the_wrong_kind():
    X, y = toy_problem(n=8)
    relu_net = MLP([2, 4, 1], activation="relu")
    prelu_net = MLP([2, 4, 1], activation="prelu")
    with pytest.raises(ValueError, match="dslopes"):
        prelu_net.step(relu_net.loss_and_grads(X, y)[1], lr=0.1)
    with pytest.raises(ValueError, match=r"\(dWs, dbs\)"):
        relu_net.step(prelu_net.loss_and_grads(X, y)[1], lr=0.1)


def test_every_registered_activation_works_in_the_mlp():
    X, _ = toy_problem(n=4)
    for name in ACTIVATIONS:
        assert np.all(np.isfinite(MLP([2, 3, 1], activation=name).forward(X)))
