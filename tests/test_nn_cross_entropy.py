"""MLP(loss="cross_entropy"): a stable loss, correct gradients, predictions, label checks.

The PyTorch comparison is skipped when torch is missing, unless RECTIFIERS_TORCH_REQUIRED=1
(as in tests/test_against_torch.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import TORCH_REASON, torch_or_none

from rectifiers import MLP, check_grad

SIZES = [5, 7, 6, 4]  # two hidden layers, four classes


def data(n=12, seed=0, classes=4, d=5):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, classes, size=n)


def reference_loss(out, y):
    """Mean cross-entropy from its definition, -log(softmax), in exact-ish float64."""
    p = np.exp(out) / np.exp(out).sum(axis=1, keepdims=True)
    return float(np.mean(-np.log(p[np.arange(len(y)), y])))


@pytest.mark.parametrize("activation", ["relu", "tanh", "gelu", "prelu"])
def test_cross_entropy_matches_its_definition(activation):
    X, y = data()
    net = MLP(SIZES, activation=activation, seed=1, loss="cross_entropy")
    assert net.loss(X, y) == pytest.approx(reference_loss(net.forward(X), y), rel=1e-13)


def test_cross_entropy_is_finite_and_exact_for_huge_logits():
    X, y = data()
    net = MLP(SIZES, seed=2, loss="cross_entropy")
    for W in net.weights:
        W *= 1e3  # logits of order 1e9: a naive exp() overflows to inf
    out = net.forward(X)
    assert np.abs(out).max() > 1e6
    with np.errstate(over="raise", invalid="raise"):
        loss, grads = net.loss_and_grads(X, y)
    # With one dominant logit per row the loss is the gap to it, exactly.
    expected = np.mean(out.max(axis=1) - out[np.arange(len(y)), y])
    assert loss == pytest.approx(expected, rel=1e-12)
    assert all(np.all(np.isfinite(g)) for g in [*grads.weights, *grads.biases])


def test_loss_is_invariant_to_shifting_every_logit():
    X, y = data()
    net = MLP(SIZES, seed=3, loss="cross_entropy")
    before = net.loss(X, y)
    net.biases[-1] += 700.0  # softmax ignores a common shift; exp(700 + ...) alone overflows
    assert net.loss(X, y) == pytest.approx(before, rel=1e-9)


def test_loss_of_equal_logits_is_log_of_class_count():
    X, y = data()
    net = MLP(SIZES, seed=0, loss="cross_entropy")
    net.weights[-1][:] = 0.0
    assert net.loss(X, y) == pytest.approx(math.log(SIZES[-1]), rel=1e-15)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "gelu", "elu", "prelu"])
def test_gradients_pass_check_grad(activation):
    X, y = data(seed=4)
    net = MLP(SIZES, activation=activation, seed=5, loss="cross_entropy")
    _, grads = net.loss_and_grads(X, y)
    for param, grad in zip(net.parameters(), grads.flatten(), strict=True):
        result = check_grad(lambda _: net.loss(X, y), grad, param)
        assert result.max_rel_error < 1e-6, (activation, result.index)


def test_relu_gradients_pass_check_grad_away_from_kinks():
    X, y = data(seed=6)
    net = MLP(SIZES, activation="relu", seed=7, loss="cross_entropy")
    zs = net.preactivations(X)
    assert min(np.abs(z).min() for z in zs) > 1e-4  # the steps cross no kink
    _, grads = net.loss_and_grads(X, y)
    for param, grad in zip(net.weights, grads.weights, strict=True):
        assert check_grad(lambda _: net.loss(X, y), grad, param, h=1e-7).max_rel_error < 1e-5


def test_output_gradient_is_softmax_minus_one_hot_over_n():
    X, y = data(n=9)
    net = MLP([5, 4], seed=0, loss="cross_entropy")  # no hidden layer: dW = X.T @ g
    _, grads = net.loss_and_grads(X, y)
    p = net.predict_proba(X)
    g = (p - np.eye(4)[y]) / len(y)
    np.testing.assert_allclose(grads.weights[0], X.T @ g, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(grads.biases[0], g.sum(axis=0), rtol=1e-12, atol=1e-15)


def test_predict_proba_rows_are_probabilities_and_predict_is_their_argmax():
    X, y = data(n=30)
    net = MLP(SIZES, seed=8, loss="cross_entropy")
    p = net.predict_proba(X)
    assert p.shape == (30, 4)
    assert np.all(p >= 0) and np.allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-14)
    labels = net.predict(X)
    assert labels.shape == (30,) and labels.dtype.kind == "i"
    np.testing.assert_array_equal(labels, p.argmax(axis=1))
    np.testing.assert_array_equal(labels, net.forward(X).argmax(axis=1))


def test_accuracy_counts_correct_predictions():
    X, _ = data(n=20)
    net = MLP(SIZES, seed=9, loss="cross_entropy")
    labels = net.predict(X)
    assert net.accuracy(X, labels) == 1.0
    wrong = (labels + 1) % 4
    assert net.accuracy(X, wrong) == 0.0
    half = labels.copy()
    half[:5] = wrong[:5]
    assert net.accuracy(X, half) == pytest.approx(15 / 20)


def test_training_with_cross_entropy_reaches_full_training_accuracy():
    rng = np.random.default_rng(0)
    centres = np.array([[-3.0, 0.0], [3.0, 0.0], [0.0, 4.0]])  # far apart, noise 0.5
    y = np.repeat(np.arange(3), 30)
    X = centres[y] + rng.normal(scale=0.5, size=(90, 2))
    net = MLP([2, 16, 3], seed=0, loss="cross_entropy")
    before = net.loss(X, y)
    history = net.fit(X, y, epochs=100, lr=0.1, batch_size=16)
    assert history[-1] < before / 10
    assert net.accuracy(X, y) == 1.0


@pytest.mark.parametrize("labels", [np.array([0.0, 1.0, 2.0]), [0.5, 1, 2]])
def test_labels_that_are_not_integers_raise_type_error(labels):
    net = MLP([2, 3, 3], loss="cross_entropy")
    with pytest.raises(TypeError, match="y must hold integer class labels 0..2"):
        net.loss(np.zeros((3, 2)), labels)


@pytest.mark.parametrize("labels", [np.array([True, False, True]), ["0", "1", "2"], None])
def test_labels_that_are_not_numbers_raise_type_error_naming_y(labels):
    net = MLP([2, 3, 3], loss="cross_entropy")
    with pytest.raises(TypeError, match=r"^y "):
        net.loss_and_grads(np.zeros((3, 2)), labels)


@pytest.mark.parametrize("bad", [np.array([0, 1, 3]), np.array([-1, 0, 1])])
def test_labels_out_of_range_raise_value_error(bad):
    net = MLP([2, 3, 3], loss="cross_entropy")
    for method in (net.loss, net.loss_and_grads, net.accuracy):
        with pytest.raises(ValueError, match=r"0\.\.2"):
            method(np.zeros((3, 2)), bad)


@pytest.mark.parametrize("shape", [(3, 1), (2,), (4,), ()])
def test_labels_of_the_wrong_shape_raise_value_error(shape):
    net = MLP([2, 3, 3], loss="cross_entropy")
    with pytest.raises(ValueError, match=r"y \(class labels\) has shape"):
        net.loss(np.zeros((3, 2)), np.zeros(shape, dtype=int))


def test_fit_checks_labels_before_training():
    net = MLP([2, 3, 3], loss="cross_entropy")
    start = [W.copy() for W in net.weights]
    with pytest.raises(ValueError, match="0..2"):
        net.fit(np.zeros((3, 2)), np.array([0, 1, 5]), epochs=1, lr=0.1)
    assert all(np.array_equal(a, b) for a, b in zip(start, net.weights, strict=True))


def test_classification_methods_need_cross_entropy():
    net = MLP([2, 3, 3])  # loss="mse"
    for method in (net.predict, net.predict_proba):
        with pytest.raises(ValueError, match="cross_entropy"):
            method(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="cross_entropy"):
        net.accuracy(np.zeros((2, 2)), np.array([0, 1]))


def test_cross_entropy_needs_two_outputs_and_a_known_loss():
    with pytest.raises(ValueError, match="at least 2 outputs"):
        MLP([2, 3, 1], loss="cross_entropy")
    with pytest.raises(ValueError, match="unknown loss"):
        MLP([2, 3, 2], loss="hinge")


# --- against PyTorch ---------------------------------------------------------------------
torch = torch_or_none()
needs_torch = pytest.mark.skipif(torch is None, reason=TORCH_REASON)


def torch_loss_and_grads(net, X, y):
    """F.cross_entropy (mean reduction) of the same network in PyTorch, with autograd."""
    F = torch.nn.functional
    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    acts = {"relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "gelu": F.gelu,
            "elu": F.elu, "leaky_relu": F.leaky_relu}
    a = torch.tensor(X)
    for layer, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        a = a @ W + b
        if layer < len(Ws) - 1:
            a = acts[net.activation.name](a)
    loss = F.cross_entropy(a, torch.tensor(y), reduction="mean")
    loss.backward()
    return loss.item(), [W.grad.numpy() for W in Ws], [b.grad.numpy() for b in bs]


@needs_torch
@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh"])
@pytest.mark.parametrize("scale", [1.0, 50.0])
def test_loss_and_gradients_match_torch_cross_entropy(activation, scale):
    X, y = data(n=16, seed=10)
    net = MLP(SIZES, activation=activation, seed=11, loss="cross_entropy")
    for W in net.weights:
        W *= scale  # 50: logits in the hundreds, where only log-sum-exp stays exact
    loss, grads = net.loss_and_grads(X, y)
    t_loss, t_dW, t_db = torch_loss_and_grads(net, X, y)
    assert loss == pytest.approx(t_loss, rel=1e-12, abs=1e-13)
    for ours, theirs in zip([*grads.weights, *grads.biases], [*t_dW, *t_db], strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-13)


@needs_torch
def test_predict_proba_matches_torch_softmax():
    X, _ = data(n=16, seed=12)
    net = MLP(SIZES, seed=13, loss="cross_entropy")
    expected = torch.softmax(torch.tensor(net.forward(X)), dim=1).numpy()
    np.testing.assert_allclose(net.predict_proba(X), expected, rtol=1e-13, atol=1e-16)
