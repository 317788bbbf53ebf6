"""The small MLP: initialisation, forward pass, hand-written gradients, training and input rules.

Then fit_together, several networks trained side by side. The last section is
loss="cross_entropy": a stable loss, correct gradients, predictions and
label checks; its PyTorch comparison is skipped when torch is missing, unless
RECTIFIERS_TORCH_REQUIRED=1 (as in tests/test_against_torch.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import TORCH_REASON, torch_or_none

from rectifiers import MLP, check_grad, dead_fraction, fit_together, hidden_layers
from rectifiers.activations import ACTIVATIONS


def reference_forward(net, X):
    """The network written out independently of MLP: ReLU hidden layers, linear output."""
    a, zs = X, []
    for W, b in zip(net.weights[:-1], net.biases[:-1], strict=True):
        zs.append(a @ W + b)
        a = np.maximum(zs[-1], 0.0)
    return a @ net.weights[-1] + net.biases[-1], zs


KINK_MARGIN = 1e-3  # far above the finite-difference step (about 6e-6) times any slope here


def random_problem(sizes, seed, n=12, activation="relu", slopes=None):
    """A random net with non-zero biases (and PReLU slopes ``slopes(size)``, if given) and
    data whose pre-activations keep clear of 0."""
    rng = np.random.default_rng(seed)
    net = MLP(sizes, activation=activation, seed=seed)
    for s in net.learnable:
        s[:] = slopes(s.size)
    for b in net.biases:
        b[:] = rng.normal(0.0, 0.1, size=b.shape)
    rows = []
    while len(rows) < n:
        # A sample's pre-activations depend on that sample only, so drop the ones near a kink.
        x = rng.normal(size=(1, sizes[0]))
        if all(np.abs(z).min() > KINK_MARGIN for z in net.preactivations(x)):
            rows.append(x)
    X = np.vstack(rows)
    y = rng.normal(size=(n, sizes[-1]))
    return net, X, y


def test_weights_and_biases_have_the_documented_shapes_and_dtype():
    net = MLP([3, 16, 8, 2])
    assert [W.shape for W in net.weights] == [(3, 16), (16, 8), (8, 2)]
    assert [b.shape for b in net.biases] == [(16,), (8,), (2,)]
    assert all(p.dtype == np.float64 for p in net.weights + net.biases)
    assert all(np.all(b == 0.0) for b in net.biases)


@pytest.mark.parametrize(("init", "variance"), [("he", 2 / 400), ("glorot", 2 / 700),
                                                ("lecun", 1 / 400)])
def test_initial_weights_have_the_documented_variance(init, variance):
    W = MLP([400, 300, 1], init=init, seed=1).weights[0]
    assert abs(W.mean()) < 0.01 * np.sqrt(variance) * 10
    assert W.var() == pytest.approx(variance, rel=0.02)


def test_he_init_draws_from_default_rng_with_the_seed():
    W0 = MLP([5, 4, 1], seed=7).weights[0]
    expected = np.random.default_rng(7).normal(0.0, np.sqrt(2 / 5), size=(5, 4))
    np.testing.assert_array_equal(W0, expected)


def test_same_seed_same_weights_different_seed_different_weights():
    a, b, c = MLP([2, 8, 1], seed=3), MLP([2, 8, 1], seed=3), MLP([2, 8, 1], seed=4)
    for Wa, Wb, Wc in zip(a.weights, b.weights, c.weights, strict=True):
        np.testing.assert_array_equal(Wa, Wb)
        assert not np.array_equal(Wa, Wc)


def test_forward_uses_relu_on_hidden_layers_and_a_linear_output():
    net, X, _ = random_problem([3, 6, 5, 2], seed=0)
    expected, _ = reference_forward(net, X)
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-12)
    # A linear output layer can go negative; a ReLU output could not.
    assert np.any(net.forward(X) < 0)


def test_preactivations_lists_every_hidden_layer_before_the_activation():
    net, X, _ = random_problem([3, 6, 5, 2], seed=1)
    zs = net.preactivations(X)
    _, expected = reference_forward(net, X)
    assert [z.shape for z in zs] == [(12, 6), (12, 5)]
    for z, e in zip(zs, expected, strict=True):
        np.testing.assert_allclose(z, e, rtol=1e-12)
    assert any(np.any(z < 0) for z in zs)  # before the activation: negatives are kept


def test_loss_is_the_mean_over_every_element():
    net, X, y = random_problem([3, 4, 2], seed=2)
    out, _ = reference_forward(net, X)
    assert net.loss(X, y) == pytest.approx(np.sum((out - y) ** 2) / y.size, rel=1e-12)
    assert net.loss_and_grads(X, y)[0] == net.loss(X, y)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("sizes", [[3, 6, 5, 2], [1, 16, 16, 1], [4, 7, 1]])
def test_analytic_gradients_match_finite_differences(sizes, seed):
    net, X, y = random_problem(sizes, seed)
    assert min(np.abs(z).min() for z in net.preactivations(X)) > KINK_MARGIN
    pattern = [z > 0 for z in net.preactivations(X)]

    def loss_same_side_of_every_kink(_):
        # Finite differences are only valid if no perturbation moves a unit across 0.
        zs = net.preactivations(X)
        assert all(np.array_equal(z > 0, p) for z, p in zip(zs, pattern, strict=True))
        return net.loss(X, y)

    _, grads = net.loss_and_grads(X, y)
    assert grads.learnable == []
    for param, grad in zip(net.parameters(), grads.weights + grads.biases, strict=True):
        assert grad.shape == param.shape
        result = check_grad(loss_same_side_of_every_kink, grad, param)
        assert result.max_rel_error < 1e-6, result


def test_gradients_of_a_dead_unit_are_exactly_zero():
    net = MLP([2, 3, 1], seed=0)
    net.biases[0][1] = -100.0  # unit 1 is negative for every input below
    X = np.random.default_rng(0).normal(size=(10, 2))
    _, (dWs, dbs, _) = net.loss_and_grads(X, np.ones((10, 1)))
    assert np.all(dWs[0][:, 1] == 0.0) and dbs[0][1] == 0.0
    assert dWs[1][1, 0] == 0.0


def test_step_moves_every_parameter_against_its_gradient():
    net, X, y = random_problem([2, 5, 1], seed=3)
    before = [p.copy() for p in net.weights + net.biases]
    _, grads = net.loss_and_grads(X, y)
    dWs, dbs = grads.weights, grads.biases
    net.step(grads, lr=0.1)
    for old, new, g in zip(before, net.weights + net.biases, dWs + dbs, strict=True):
        np.testing.assert_allclose(new, old - 0.1 * g, rtol=1e-15)


def test_a_small_step_lowers_the_loss():
    net, X, y = random_problem([3, 8, 2], seed=4)
    loss, grads = net.loss_and_grads(X, y)
    net.step(grads, lr=1e-3)
    assert net.loss(X, y) < loss


def test_training_reduces_the_loss_on_a_toy_problem():
    X = np.linspace(-2.0, 2.0, 64).reshape(-1, 1)
    y = np.abs(X)  # |x| = relu(x) + relu(-x): a ReLU net can fit it exactly
    net = MLP([1, 16, 16, 1], seed=0)
    start = net.loss(X, y)
    history = net.fit(X, y, epochs=200, lr=0.05, batch_size=16, seed=0)
    assert len(history) == 200
    assert history[-1] < 0.05 * start
    assert history[-1] == net.loss(X, y)


@pytest.mark.parametrize("batch_size", [None, 5])
def test_same_seeds_give_identical_runs(batch_size):
    X = np.random.default_rng(5).normal(size=(23, 2))
    y = np.sin(X[:, :1]) + X[:, 1:] ** 2
    runs = []
    for _ in range(2):
        net = MLP([2, 8, 8, 1], seed=11)
        runs.append((net.fit(X, y, epochs=15, lr=0.02, batch_size=batch_size, seed=2), net))
    assert runs[0][0] == runs[1][0]
    for Wa, Wb in zip(runs[0][1].weights, runs[1][1].weights, strict=True):
        np.testing.assert_array_equal(Wa, Wb)


def test_fit_seed_changes_the_minibatch_order():
    X = np.random.default_rng(5).normal(size=(23, 2))
    y = X[:, :1] * X[:, 1:]
    h = [MLP([2, 8, 1], seed=0).fit(X, y, epochs=3, lr=0.05, batch_size=4, seed=s) for s in (0, 1)]
    assert h[0] != h[1]


def test_callback_sees_every_epoch_with_its_loss():
    X = np.random.default_rng(6).normal(size=(10, 1))
    seen = []
    net = MLP([1, 4, 1])
    history = net.fit(X, X**2, epochs=4, lr=0.01,
                      callback=lambda n, epoch, loss: seen.append((n is net, epoch, loss)))
    assert seen == [(True, e, loss) for e, loss in zip(range(1, 5), history, strict=True)]


def test_callback_sees_the_net_after_each_epochs_update():
    X = np.random.default_rng(7).normal(size=(32, 2))
    net = MLP([2, 8, 8, 1])
    initial = net.weights[0].copy()
    seen = []
    net.fit(X, X[:, :1], epochs=3, lr=0.01, callback=lambda n, e, loss: seen.append(
        (n is net, n.weights[0].copy(), dead_fraction(n.preactivations(X)))))
    assert [is_net for is_net, _, _ in seen] == [True] * 3
    assert not np.array_equal(seen[0][1], initial)  # called after the epoch's steps
    np.testing.assert_array_equal(seen[-1][1], net.weights[0])
    np.testing.assert_array_equal(seen[-1][2], dead_fraction(net.preactivations(X)))


def test_fit_with_zero_epochs_changes_nothing():
    net = MLP([1, 3, 1])
    W = net.weights[0].copy()
    assert net.fit(np.ones((2, 1)), np.ones((2, 1)), epochs=0, lr=0.1) == []
    np.testing.assert_array_equal(net.weights[0], W)


def test_loss_and_loss_and_grads_give_python_floats():
    X = np.random.default_rng(8).normal(size=(6, 2))
    for loss_name, y in (("mse", X[:, :1]), ("cross_entropy", np.array([0, 1] * 3))):
        net = MLP([2, 4, 2 if loss_name == "cross_entropy" else 1], loss=loss_name)
        assert type(net.loss(X, y)) is float
        assert type(net.loss_and_grads(X, y)[0]) is float


# --- fit_together: several networks, one stacked computation ----------------------------------

def regression_data(seed=9, n=40):
    X = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n, 2))
    return X, np.sin(3.0 * X[:, :1]) * X[:, 1:]


def assert_same_training(alone, together, rtol=1e-12):
    """Two lists of nets trained from the same start: the same parameters, to ``rtol``."""
    for a, b in zip(alone, together, strict=True):
        for p, q in zip(a.parameters(), b.parameters(), strict=True):
            np.testing.assert_allclose(q, p, rtol=rtol, atol=1e-15)


@pytest.mark.parametrize(("activation", "loss", "batch_size"), [
    ("relu", "mse", 8), ("relu", "mse", None), ("tanh", "mse", 7),
    ("prelu", "mse", 8), ("leaky_relu", "cross_entropy", 8), ("gelu", "cross_entropy", None),
])
def test_fit_together_takes_the_steps_each_fit_would_take(activation, loss, batch_size):
    X, y = regression_data()
    if loss == "cross_entropy":
        y = (X[:, 0] > X[:, 1]).astype(int) + (X[:, 0] > 0)
    out = 1 if loss == "mse" else 3
    lrs, seeds = [0.02, 0.05, 0.1], [4, 0, 4]
    alone = [MLP([2, 6, 5, out], activation, seed=s, loss=loss) for s in range(3)]
    together = [MLP([2, 6, 5, out], activation, seed=s, loss=loss) for s in range(3)]
    histories = [net.fit(X, y, 5, lr, batch_size=batch_size, seed=s)
                 for net, lr, s in zip(alone, lrs, seeds, strict=True)]
    run = fit_together(together, X, y, 5, lrs, batch_size=batch_size, seeds=seeds)
    np.testing.assert_allclose(run.loss, histories, rtol=1e-12)
    assert run.diverged.tolist() == [False] * 3
    assert_same_training(alone, together)


def test_fit_together_with_one_learning_rate_and_seed_for_all():
    X, y = regression_data()
    nets = [MLP([2, 5, 1], seed=s) for s in range(2)]
    alone = [MLP([2, 5, 1], seed=s) for s in range(2)]
    fit_together(nets, X, y, 3, 0.05, batch_size=10, seeds=7)
    for net in alone:
        net.fit(X, y, 3, 0.05, batch_size=10, seed=7)
    assert_same_training(alone, nets)


def test_a_diverging_net_is_marked_and_leaves_the_others_alone():
    X, y = regression_data()
    nets = [MLP([2, 16, 1], seed=0) for _ in range(3)]
    run = fit_together(nets, X, 3.0 * y, 20, [0.01, 1000.0, 0.02])
    assert run.diverged.tolist() == [False, True, False]
    first_bad = np.flatnonzero(~np.isfinite(run.loss[1]))[0]
    assert np.isnan(run.loss[1, first_bad + 1:]).all()
    assert np.isfinite(run.loss[[0, 2]]).all()
    # The diverged net stops where fit stops it; the others train as if alone.
    alone = [MLP([2, 16, 1], seed=0) for _ in range(3)]
    alone[0].fit(X, 3.0 * y, 20, 0.01)
    with pytest.raises(FloatingPointError, match=f"after epoch {first_bad + 1} with lr=1000.0"):
        alone[1].fit(X, 3.0 * y, 20, 1000.0)
    alone[2].fit(X, 3.0 * y, 20, 0.02)
    for a, b in zip(alone, nets, strict=True):
        for p, q in zip(a.parameters(), b.parameters(), strict=True):
            np.testing.assert_allclose(q, p, rtol=1e-12, atol=1e-15)


def test_fit_together_stops_when_every_net_has_diverged():
    X, y = regression_data()
    calls = []
    run = fit_together([MLP([2, 16, 1], seed=s) for s in range(2)], X, 3.0 * y, 50, 1000.0,
                       callback=lambda k, net, epoch, loss: calls.append(epoch))
    assert run.diverged.all()
    assert np.isnan(run.loss[:, -1]).all()
    assert len(calls) < 2 * 50


def test_fit_together_calls_back_for_every_net_and_epoch_with_the_current_net():
    X, y = regression_data()
    nets = [MLP([2, 4, 1], seed=s) for s in range(2)]
    seen = []

    def callback(k, net, epoch, loss):
        seen.append((k, net is nets[k], epoch, loss == net.loss(X, y)))

    run = fit_together(nets, X, y, 3, 0.05, callback=callback)
    assert seen == [(k, True, e, True) for e in (1, 2, 3) for k in (0, 1)]
    assert run.loss.shape == (2, 3)


def test_after_fit_together_each_net_has_its_own_arrays_back():
    X, y = regression_data()
    nets = [MLP([2, 4, 1], activation="prelu", seed=s) for s in range(2)]
    before = [[id(p) for p in net.parameters()] for net in nets]
    start = [p.copy() for p in nets[0].parameters()]
    fit_together(nets, X, y, 2, 0.05)
    assert [[id(p) for p in net.parameters()] for net in nets] == before
    assert not any(np.shares_memory(p, q) for p in nets[0].parameters()
                   for q in nets[1].parameters())
    assert all(p.flags.owndata for p in nets[0].parameters())
    assert not all(np.array_equal(p, q) for p, q in zip(start, nets[0].parameters(),
                                                        strict=True))


@pytest.mark.parametrize(("nets", "error", "message"), [
    (MLP([2, 3, 1]), TypeError, "nets must be a non-empty list of MLP"),
    ([], TypeError, "nets must be a non-empty list of MLP"),
    ([MLP([2, 3, 1]), "net"], TypeError, "nets must hold MLP objects, got str"),
    ([MLP([2, 3, 1]), MLP([2, 4, 1])], ValueError, "same layer sizes, activation and loss"),
    ([MLP([2, 3, 1]), MLP([2, 3, 1], "tanh")], ValueError, "same layer sizes, activation"),
])
def test_fit_together_refuses_nets_it_cannot_stack(nets, error, message):
    X, y = regression_data()
    with pytest.raises(error, match=message):
        fit_together(nets, X, y, 1, 0.1)


def test_fit_together_refuses_the_same_net_twice():
    X, y = regression_data()
    net = MLP([2, 3, 1])
    with pytest.raises(ValueError, match="the same MLP twice"):
        fit_together([net, net], X, y, 1, 0.1)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"lr": [0.1]}, ValueError, r"lr must be one value or one per net \(2\), got 1"),
    ({"lr": [0.1, -0.1]}, ValueError, "lr must be > 0"),
    ({"lr": [0.1, "0.1"]}, TypeError, "lr must be a real scalar"),
    ({"lr": None}, TypeError, "lr must be a real scalar"),
    ({"lr": 0.1, "seeds": [0, 1, 2]}, ValueError, "seeds must be one value or one per net"),
    ({"lr": 0.1, "seeds": [0, -1]}, ValueError, "seeds must be an int >= 0"),
    ({"lr": 0.1, "seeds": 1.5}, TypeError, "seeds must be an int"),
    ({"lr": 0.1, "batch_size": 0}, ValueError, "batch_size must be an int >= 1"),
    ({"lr": 0.1, "callback": 3}, TypeError, "callback must be callable or None"),
])
def test_fit_together_checks_its_arguments_naming_them(kwargs, error, message):
    X, y = regression_data()
    with pytest.raises(error, match=message):
        fit_together([MLP([2, 3, 1], seed=s) for s in range(2)], X, y, 1, **kwargs)


def test_fit_together_checks_data_like_fit():
    X, y = regression_data()
    with pytest.raises(ValueError, match="NaN"):
        fit_together([MLP([2, 3, 1])], np.where(X > 0.9, np.nan, X), y, 1, 0.1)


def test_unknown_activation_lists_the_known_names():
    with pytest.raises(ValueError, match="unknown activation 'tanhh'") as info:
        MLP([1, 2, 1], activation="tanhh")
    for name in ACTIVATIONS:
        assert name in str(info.value)


def test_unknown_init_lists_the_known_names():
    with pytest.raises(ValueError, match="he"):
        MLP([1, 2, 1], init="zeros")


@pytest.mark.parametrize("sizes", [[3], [], [3, 0, 1], [3, 2.5, 1], [3, -1, 1], [True, 2]])
def test_bad_layer_sizes_raise(sizes):
    with pytest.raises(ValueError, match="layer_sizes"):
        MLP(sizes)


@pytest.mark.parametrize(
    "X",
    [np.ones(3), np.ones((4, 2)), np.ones((4, 3, 1)), np.ones((0, 3)), [[1.0, 2.0]]],
)
def test_badly_shaped_X_names_the_expected_shape(X):
    net = MLP([3, 4, 1])
    for call in (net.forward, net.preactivations):
        with pytest.raises(ValueError, match=r"expected \(n, 3\)"):
            call(X)
    with pytest.raises(ValueError, match=r"expected \(n, 3\)"):
        net.loss_and_grads(X, np.ones((4, 1)))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_raise(bad):
    net = MLP([2, 4, 1])
    X = np.ones((3, 2))
    X[1, 0] = bad
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        net.forward(X)
    y = np.ones((3, 1))
    y[2, 0] = bad
    with pytest.raises(ValueError, match=r"\(3, 1\)"):
        net.loss_and_grads(np.ones((3, 2)), y)


@pytest.mark.parametrize("y", [np.ones(5), np.ones((5, 2)), np.ones((4, 1))])
def test_badly_shaped_y_names_the_expected_shape(y):
    net = MLP([2, 4, 1])
    with pytest.raises(ValueError, match=r"expected \(5, 1\)"):
        net.loss_and_grads(np.ones((5, 2)), y)
    with pytest.raises(ValueError, match=r"expected \(5, 1\)"):
        net.fit(np.ones((5, 2)), y, epochs=1, lr=0.1)


def test_non_real_input_raises_type_error():
    with pytest.raises(TypeError):
        MLP([2, 3, 1]).forward(np.array([["a", "b"]]))


def test_step_refuses_gradients_of_the_wrong_shape_and_negative_lr():
    net = MLP([2, 3, 1])
    dWs = [np.zeros((2, 3)), np.zeros((3, 2))]
    dbs = [np.zeros(3), np.zeros(1)]
    with pytest.raises(ValueError, match=r"expected \(3, 1\)"):
        net.step((dWs, dbs, []), lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        net.step(net.loss_and_grads(np.ones((1, 2)), np.ones((1, 1)))[1], lr=-0.1)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"epochs": -1}, ValueError), ({"epochs": 1.5}, TypeError), ({"batch_size": 0}, ValueError),
    ({"lr": 0.0}, ValueError), ({"lr": float("nan")}, ValueError), ({"lr": [0.1]}, TypeError),
    ({"seed": -1}, ValueError), ({"callback": 3}, TypeError)])
def test_fit_refuses_bad_settings_naming_the_parameter(kwargs, error):
    settings = {"epochs": 1, "lr": 0.1} | kwargs
    with pytest.raises(error, match=next(iter(kwargs))):
        MLP([1, 2, 1]).fit(np.ones((3, 1)), np.ones((3, 1)), **settings)


# --- the activation record: learnable parameters (PReLU), one Grads shape for every net -------


def test_prelu_net_has_one_learnable_slope_per_hidden_unit_at_the_records_init():
    net = MLP([3, 5, 4, 2], activation="prelu")
    init = ACTIVATIONS["prelu"].learnable.init
    assert [s.shape for s in net.learnable] == [(5,), (4,)]
    assert all(np.all(s == init) for s in net.learnable)
    assert MLP([3, 5, 2], activation="relu").learnable == []


def test_prelu_net_applies_each_units_slope():
    net = MLP([1, 3, 1], activation="prelu", seed=0)
    net.learnable[0][:] = [0.0, 0.5, -1.0]
    X = np.array([[-1.0], [2.0]])
    z = X @ net.weights[0] + net.biases[0]
    hidden = np.where(z > 0, z, net.learnable[0] * z)
    np.testing.assert_array_equal(net.forward(X), hidden @ net.weights[1] + net.biases[1])


def test_prelu_slope_gradients_match_finite_differences():
    net, X, y = random_problem([2, 6, 5, 1], seed=1, activation="prelu",
                               slopes=lambda size: np.linspace(-0.3, 0.6, size))
    assert [s.tolist() for s in net.learnable] == [np.linspace(-0.3, 0.6, k).tolist()
                                                   for k in (6, 5)]
    _, grads = net.loss_and_grads(X, y)
    assert len(grads.learnable) == 2
    for param, grad in zip(net.parameters(), grads.flatten(), strict=True):
        assert check_grad(lambda _: net.loss(X, y), grad, param).max_rel_error < 1e-6


def test_parameters_are_the_nets_own_arrays_in_grads_order():
    net = MLP([2, 4, 3, 1], activation="prelu")
    params = net.parameters()
    assert len(params) == 3 + 3 + 2
    assert all(p is q for p, q in zip(params, [*net.weights, *net.biases, *net.learnable],
                                      strict=True))
    _, grads = net.loss_and_grads(np.ones((2, 2)), np.ones((2, 1)))
    flat = grads.flatten()
    assert [g.shape for g in flat] == [p.shape for p in params]


def test_step_checks_every_gradient_before_changing_any_parameter():
    net = MLP([2, 4, 1], activation="prelu")
    before = [p.copy() for p in net.parameters()]
    _, grads = net.loss_and_grads(np.ones((2, 2)), np.ones((2, 1)))
    bad = grads._replace(learnable=[np.zeros(5)])  # the last array has the wrong shape
    with pytest.raises(ValueError, match=r"expected \(4,\)"):
        net.step(bad, lr=0.1)
    for old, new in zip(before, net.parameters(), strict=True):
        np.testing.assert_array_equal(old, new)
    with pytest.raises(ValueError, match="learnable"):  # a ReLU net's Grads on a PReLU net
        net.step(MLP([2, 4, 1]).loss_and_grads(np.ones((2, 2)), np.ones((2, 1)))[1], lr=0.1)


def test_fit_raises_floating_point_error_naming_epoch_and_lr_when_training_diverges():
    X = np.linspace(-1, 1, 32).reshape(-1, 1)
    with pytest.raises(FloatingPointError, match=r"epoch \d+.*lr=1000"):
        MLP([1, 16, 1], seed=0).fit(X, 3 * X, epochs=50, lr=1000.0)


def test_no_hidden_layer_is_a_linear_model():
    net = MLP([2, 1])
    X = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(net.forward(X), X @ net.weights[0] + net.biases[0])
    assert net.preactivations(X) == []


# --- the one forward pass, shared with regions and diagnostics --------------------------------


def test_hidden_layers_applies_each_layers_weights_and_learnable_slopes():
    net = MLP([3, 5, 4, 2], activation="prelu", seed=2)
    net.learnable[1][:] = -0.5
    X = np.random.default_rng(2).standard_normal((6, 3))
    layers = list(hidden_layers(X, net.weights[:-1], net.biases[:-1], net.activation,
                                net.learnable))
    assert len(layers) == 2
    a_prev = X
    for (z, a), W, b, slope in zip(layers, net.weights, net.biases, net.learnable,
                                   strict=False):
        np.testing.assert_array_equal(z, a_prev @ W + b)
        np.testing.assert_array_equal(a, np.where(z > 0, z, slope * z))  # each unit's slope
        a_prev = a
    np.testing.assert_array_equal(a_prev @ net.weights[-1] + net.biases[-1], net.forward(X))


def test_hidden_layers_draws_weights_only_as_far_as_it_is_run():
    drawn = []

    def weights():
        for k in range(5):
            drawn.append(k)
            yield np.eye(2)

    for layer, _ in enumerate(hidden_layers(np.ones((1, 2)), weights(), [np.zeros(2)] * 5,
                                            ACTIVATIONS["relu"])):
        if layer == 1:
            break
    assert drawn == [0, 1]


def test_grads_flatten_in_the_order_of_the_parameters():
    net = MLP([2, 4, 3, 1], activation="prelu")
    _, grads = net.loss_and_grads(np.ones((2, 2)), np.ones((2, 1)))
    flat = grads.flatten()
    assert [g.shape for g in flat] == [p.shape for p in net.parameters()]
    assert flat[0] is grads.weights[0] and flat[-1] is grads.learnable[-1]


# --- loss="cross_entropy" ---------------------------------------------------------------------

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
