"""rectifiers against PyTorch's ``torch.nn.functional``: values, autograd gradients, defaults.

PyTorch is optional (not in requirements.lock): these tests are skipped without it.
Everything runs in float64. Tolerance: 1e-12 relative, plus 1e-14 absolute, which only
matters where a value is within rounding of 0: the left tails of GELU, where PyTorch's
``1 + erf`` and ``1 + tanh`` cancel (to exactly 0 for x < -8.3 and x < -7.3), and the zeros
of the GELU and SiLU derivatives, where a relative comparison means nothing.

Deliberate differences (documented in the docstrings, tested below):
- softplus: PyTorch returns ``x`` (gradient 1) once ``x > 20``; we return the exact value.
- gelu: PyTorch's ``1 + erf`` (``1 + tanh``) rounds to 0 for ``x < -8.3`` (``x < -7.3``
  for the tanh form, both in the derivative); our ``erfc`` (``sigmoid``) forms do not.
- at ±inf, gelu, silu and their gradients give the limits where PyTorch gives NaN.
- derivatives of piecewise functions at NaN are NaN here; PyTorch picks the ``x <= 0`` branch.
"""

from __future__ import annotations

import inspect
import math
import os

import numpy as np
import pytest

import rectifiers as r

if os.environ.get("RECTIFIERS_TORCH_REQUIRED") == "1":
    import torch  # CI (.ci/run) installs it: a missing torch must fail there, not skip
else:
    torch = pytest.importorskip(
        "torch", reason="PyTorch is optional: install the CPU build with `make torch`"
    )
F = torch.nn.functional

RTOL, ATOL = 1e-12, 1e-14
TINY = np.array([-0.0, 0.0, 5e-324, -5e-324, 1e-300, -1e-300, 1e-8, -1e-8])
X = np.concatenate([np.linspace(-40.0, 40.0, 40001), TINY])
SLOPE = torch.tensor([0.25], dtype=torch.float64)

# id: (our function, our derivative, the PyTorch function)
CASES = {
    "leaky_relu": (r.leaky_relu, r.leaky_relu_grad, F.leaky_relu),
    "leaky_relu_0.2": (
        lambda x: r.leaky_relu(x, 0.2), lambda x: r.leaky_relu_grad(x, 0.2),
        lambda t: F.leaky_relu(t, 0.2),
    ),
    "prelu": (r.prelu, r.prelu_grad, lambda t: F.prelu(t, SLOPE)),
    "elu": (r.elu, r.elu_grad, F.elu),
    "elu_alpha_1.5": (
        lambda x: r.elu(x, 1.5), lambda x: r.elu_grad(x, 1.5), lambda t: F.elu(t, 1.5),
    ),
    "gelu": (r.gelu, r.gelu_grad, F.gelu),
    "gelu_tanh": (
        lambda x: r.gelu(x, "tanh"), lambda x: r.gelu_grad(x, "tanh"),
        lambda t: F.gelu(t, approximate="tanh"),
    ),
    "silu": (r.silu, r.silu_grad, F.silu),
    "softplus": (r.softplus, r.softplus_grad, F.softplus),
}


def torch_value_and_grad(tf, x):
    """PyTorch's values and autograd derivative of an elementwise function at ``x``."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = tf(t)
    (g,) = torch.autograd.grad(y.sum(), t)
    return y.detach().numpy(), g.numpy()


@pytest.mark.parametrize("name", list(CASES))
def test_values_and_derivatives_match_torch_on_finite_inputs(name):
    f, grad, tf = CASES[name]
    # Softplus is compared up to PyTorch's threshold, where its formula is the same.
    x = X[X <= 20.0] if name == "softplus" else X
    ty, tg = torch_value_and_grad(tf, x)
    np.testing.assert_allclose(f(x), ty, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(grad(x), tg, rtol=RTOL, atol=ATOL)


def test_softplus_above_torchs_threshold_differs_by_less_than_2e_9_and_is_exact():
    x = np.linspace(20.001, 60.0, 2000)
    ty, tg = torch_value_and_grad(F.softplus, x)
    np.testing.assert_array_equal(ty, x)  # PyTorch switches to the identity...
    np.testing.assert_array_equal(tg, 1.0)
    assert np.all(np.abs(r.softplus(x) - ty) < 2.1e-9)  # ...which is off by log1p(exp(-x))
    assert np.all(np.abs(r.softplus_grad(x) - tg) < 2.1e-9)
    exact = np.array([xi + math.log1p(math.exp(-xi)) for xi in x])
    np.testing.assert_allclose(r.softplus(x), exact, rtol=1e-15)


def test_gelu_left_tail_is_exact_where_torchs_one_plus_erf_underflows():
    x = np.array([-9.0, -12.0, -20.0])
    ty, _ = torch_value_and_grad(F.gelu, x)
    np.testing.assert_array_equal(ty, 0.0)
    exact = np.array([0.5 * xi * math.erfc(-xi / math.sqrt(2.0)) for xi in x])
    np.testing.assert_allclose(r.gelu(x), exact, rtol=1e-12)
    assert np.all(r.gelu(x) < 0)


def test_gelu_tanh_left_tail_is_nonzero_where_torchs_one_plus_tanh_rounds_to_zero():
    x = np.array([-8.0, -10.0])
    ty, tg = torch_value_and_grad(lambda t: F.gelu(t, approximate="tanh"), x)
    np.testing.assert_array_equal(ty, 0.0)
    np.testing.assert_array_equal(tg, 0.0)
    k = math.sqrt(2.0 / math.pi)
    # x / (1 + exp(-2u)) is the same function as x (1 + tanh u) / 2, with no cancellation.
    exact = np.array([xi / (1.0 + math.exp(-2.0 * k * (xi + 0.044715 * xi**3))) for xi in x])
    np.testing.assert_allclose(r.gelu(x, approximate="tanh"), exact, rtol=1e-13)
    assert np.all(r.gelu(x, approximate="tanh") < 0) and np.all(r.gelu_grad(x, "tanh") < 0)


@pytest.mark.parametrize("name", list(CASES))
def test_nan_propagates_like_torch(name):
    f, _, tf = CASES[name]
    ty, _ = torch_value_and_grad(tf, np.array([np.nan, 1.0]))
    assert np.isnan(ty[0]) and np.isnan(f(np.array([np.nan, 1.0]))[0])


@pytest.mark.parametrize("name", ["leaky_relu", "prelu", "elu"])
def test_derivative_at_nan_is_nan_where_torch_picks_a_branch(name):
    _, grad, tf = CASES[name]
    _, tg = torch_value_and_grad(tf, np.array([np.nan]))
    assert np.isfinite(tg[0])  # PyTorch: "x > 0" is False for NaN, so the left slope
    assert np.isnan(grad(np.array([np.nan]))[0])


@pytest.mark.parametrize("name", list(CASES))
def test_infinities_match_torch_or_give_the_limit_where_torch_gives_nan(name):
    f, grad, tf = CASES[name]
    x = np.array([-np.inf, np.inf])
    ty, tg = torch_value_and_grad(tf, x)
    for ours, theirs in ((f(x), ty), (grad(x), tg)):
        assert not np.isnan(ours).any()
        known = ~np.isnan(theirs)
        np.testing.assert_array_equal(ours[known], theirs[known])
    limits = {  # what PyTorch leaves NaN, and the limit we give instead
        "gelu": ([0.0, np.inf], [0.0, 1.0]), "gelu_tanh": ([0.0, np.inf], [0.0, 1.0]),
        "silu": ([0.0, np.inf], [0.0, 1.0]),
    }
    if name in limits:
        np.testing.assert_array_equal(f(x), limits[name][0])
        np.testing.assert_array_equal(grad(x), limits[name][1])


def test_prelu_slope_gradient_matches_torch_autograd_per_channel():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 4))
    upstream = rng.normal(size=(50, 4))
    slope = np.array([0.25, -0.1, 0.0, 1.3])
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(slope, requires_grad=True)
    y = F.prelu(tx, tw)
    gx, gw = torch.autograd.grad((y * torch.tensor(upstream)).sum(), (tx, tw))
    np.testing.assert_allclose(r.prelu(x, slope), y.detach().numpy(), rtol=RTOL, atol=0)
    np.testing.assert_allclose(upstream * r.prelu_grad(x, slope), gx.numpy(), rtol=RTOL)
    ours = (upstream * r.prelu_slope_grad(x, slope)).sum(axis=0)
    np.testing.assert_allclose(ours, gw.numpy(), rtol=1e-12, atol=1e-14)


def test_prelu_mlp_gradients_match_a_torch_network_with_the_same_weights():
    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, size=(40, 2))
    y = np.sin(X[:, :1])
    net = r.MLP([2, 8, 6, 1], activation="prelu", seed=2)
    for s in net.slopes:
        s[:] = rng.uniform(-0.3, 0.5, size=s.shape)
    loss, (dWs, dbs, dslopes) = net.loss_and_grads(X, y)

    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    slopes = [torch.tensor(s, requires_grad=True) for s in net.slopes]
    a = torch.tensor(X)
    for W, b, s in zip(Ws[:-1], bs[:-1], slopes, strict=True):
        a = F.prelu(a @ W + b, s)
    tloss = ((a @ Ws[-1] + bs[-1] - torch.tensor(y)) ** 2).mean()
    grads = torch.autograd.grad(tloss, Ws + bs + slopes)

    assert loss == pytest.approx(tloss.item(), rel=1e-12)
    for ours, theirs in zip(dWs + dbs + dslopes, grads, strict=True):
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-14)


def test_defaults_match_torch():
    def default(f, name):
        return inspect.signature(f).parameters[name].default

    assert default(r.leaky_relu, "negative_slope") == torch.nn.LeakyReLU().negative_slope == 0.01
    assert default(r.prelu, "slope") == torch.nn.PReLU().weight.item() == 0.25
    assert default(r.elu, "alpha") == torch.nn.ELU().alpha == 1.0
    assert default(r.gelu, "approximate") == torch.nn.GELU().approximate == "none"
    softplus = torch.nn.Softplus()
    assert (softplus.beta, softplus.threshold) == (1.0, 20.0)  # the threshold we do not copy
