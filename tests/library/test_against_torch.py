"""rectifiers against PyTorch's ``torch.nn.functional``: values, autograd gradients, defaults.

Every record in ``rectifiers.ACTIVATIONS`` is compared: ``TORCH`` maps its name to the
PyTorch function, and a record missing from it fails (unless listed in ``NO_TORCH`` with
the reason). PyTorch is optional (not in requirements.lock): these tests are skipped
without it, except under ``RECTIFIERS_TORCH_REQUIRED=1`` (CI), where a missing torch fails.
Values and derivatives are compared in float64, and float16 values on every finite
float16. Tolerance in float64: 1e-12 relative, plus 1e-14 absolute, which only matters
where a value is within rounding of 0: the left tails of GELU, where PyTorch's ``1 + erf``
and ``1 + tanh`` cancel (to exactly 0 for x < -8.3 and x < -7.3), and the zeros of the
GELU and SiLU derivatives, where a relative comparison means nothing.

Deliberate differences (documented in the docstrings, tested below):
- softplus: PyTorch returns ``x`` (gradient 1) once ``x > 20``; we return the exact value.
- gelu: PyTorch's ``1 + erf`` (``1 + tanh``) rounds to 0 for ``x < -8.3`` (``x < -7.3``
  for the tanh form, both in the derivative); our ``erfc`` (``sigmoid``) forms do not.
- at ±inf, gelu, silu and their gradients give the limits where PyTorch gives NaN.
- derivatives of piecewise functions at NaN are NaN here; PyTorch picks the ``x <= 0`` branch.

The last two sections check the PyTorch rows of two tables of the book against PyTorch:
chapter 5's Leaky ReLU defaults, and the gradients chapter's ReLU'(0) by expression.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest
from helpers import all_finite_float16, import_torch

import rectifiers as r

torch = import_torch()
F = torch.nn.functional

RTOL, ATOL = 1e-12, 1e-14
TINY = np.array([-0.0, 0.0, 5e-324, -5e-324, 1e-300, -1e-300, 1e-8, -1e-8])
X = np.concatenate([np.linspace(-40.0, 40.0, 40001), TINY])

# Record name -> the PyTorch function, called with the record's params under PyTorch's names.
TORCH = {
    "relu": lambda t: F.relu(t),
    "leaky_relu": lambda t, negative_slope: F.leaky_relu(t, negative_slope),
    "prelu": lambda t, slope: F.prelu(t, torch.tensor([slope], dtype=t.dtype)),
    "elu": lambda t, alpha: F.elu(t, alpha),
    "gelu": lambda t, approximate: F.gelu(t, approximate=approximate),
    "silu": lambda t: F.silu(t),
    "softplus": lambda t: F.softplus(t),
    "sigmoid": lambda t: torch.sigmoid(t),
    "tanh": lambda t: torch.tanh(t),
}
# Records with no PyTorch counterpart, each with the reason. Listed here, or the test fails.
NO_TORCH: dict[str, str] = {}
# Where PyTorch's formula is another function on purpose: softplus is x itself above 20.
DOMAIN_MAX = {"softplus": 20.0}
# Parameter variants compared too, beside each record's defaults.
VARIANTS = [
    r.ACTIVATIONS["leaky_relu"].with_params(negative_slope=0.2),
    r.ACTIVATIONS["elu"].with_params(alpha=1.5),
    r.ACTIVATIONS["prelu"].with_params(slope=-0.3),
    r.ACTIVATIONS["gelu"].with_params(approximate="tanh"),
]
COMPARED = [act for act in r.ACTIVATIONS.values() if act.name not in NO_TORCH] + VARIANTS


def case_id(act):
    return "-".join([act.name, *(f"{k}={v}" for k, v in act.params.items())])


each_record = pytest.mark.parametrize("act", COMPARED, ids=case_id)


def torch_function(act):
    tf = TORCH[act.name]
    return lambda t: tf(t, **act.params)


def torch_value_and_grad(tf, x):
    """PyTorch's values and autograd derivative of an elementwise function at ``x``."""
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    y = tf(t)
    (g,) = torch.autograd.grad(y.sum(), t)
    return y.detach().numpy(), g.numpy()


@pytest.mark.parametrize("name", list(r.ACTIVATIONS))
def test_every_record_has_a_torch_counterpart_or_is_listed_as_having_none(name):
    assert (name in TORCH) != (name in NO_TORCH), (
        f"activation {name!r} is in rectifiers.ACTIVATIONS: add its PyTorch function to TORCH "
        "in tests/test_against_torch.py, or list it in NO_TORCH with the reason"
    )


def test_the_torch_table_names_only_registered_records():
    assert set(TORCH) | set(NO_TORCH) <= set(r.ACTIVATIONS)


@each_record
def test_values_and_derivatives_match_torch_on_finite_inputs(act):
    x = X[X <= DOMAIN_MAX.get(act.name, np.inf)]
    ty, tg = torch_value_and_grad(torch_function(act), x)
    np.testing.assert_allclose(act(x), ty, rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(act.derivative(x), tg, rtol=RTOL, atol=ATOL)


@each_record
def test_float16_values_match_torch_on_every_finite_float16(act):
    x = all_finite_float16()
    theirs = torch_function(act)(torch.from_numpy(x.copy())).numpy()
    # PyTorch's half-precision tolerance; both compute in float32 and round once.
    np.testing.assert_allclose(act(x).astype(np.float64), theirs.astype(np.float64),
                               rtol=1e-3, atol=1e-5)


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


@each_record
def test_nan_propagates_like_torch(act):
    ty, _ = torch_value_and_grad(torch_function(act), np.array([np.nan, 1.0]))
    assert np.isnan(ty[0]) and np.isnan(act(np.array([np.nan, 1.0]))[0])


@each_record
def test_derivative_at_nan_is_nan_even_where_torch_picks_a_branch(act):
    # PyTorch's piecewise backward tests "x > 0", False for NaN, and returns the left slope.
    assert np.isnan(act.derivative(np.array([np.nan]))[0])


@each_record
def test_infinities_match_torch_or_give_the_limit_where_torch_gives_nan(act):
    x = np.array([-np.inf, np.inf])
    ty, tg = torch_value_and_grad(torch_function(act), x)
    for ours, theirs in ((act(x), ty), (act.derivative(x), tg)):
        assert not np.isnan(ours).any()  # the limits: tests/test_registry.py checks them
        known = ~np.isnan(theirs)
        np.testing.assert_array_equal(ours[known], theirs[known])


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
    for s in net.learnable:
        s[:] = rng.uniform(-0.3, 0.5, size=s.shape)
    loss, (dWs, dbs, dslopes) = net.loss_and_grads(X, y)

    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    slopes = [torch.tensor(s, requires_grad=True) for s in net.learnable]
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


# --- chapter 5's table of Leaky ReLU defaults: PyTorch's rows, as declared and as computed ----
# (the table is tbl-leaky-defaults in book/05_leaky_relu.ipynb; the other rows cite docs)

BOOK_SLOPE = inspect.signature(r.leaky_relu).parameters["negative_slope"].default


def test_torch_leakyrelu_module_default_slope_is_the_books():
    assert torch.nn.LeakyReLU().negative_slope == BOOK_SLOPE == 0.01


def test_torch_functional_leaky_relu_default_slope_is_the_books():
    default = inspect.signature(F.leaky_relu).parameters["negative_slope"].default
    assert default == BOOK_SLOPE


def test_torch_default_leaky_relu_computes_slope_times_x_on_the_left():
    x = torch.tensor([-3.0, -1.0, 2.0], dtype=torch.float64)
    expected = [r.leaky_relu(v) for v in x.tolist()]
    assert F.leaky_relu(x).tolist() == expected
    assert torch.nn.LeakyReLU()(x).tolist() == expected


@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_torch_leaky_relu_derivative_at_zero_is_the_left_slope(zero):
    t = torch.tensor(zero, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(F.leaky_relu(t), t)
    assert g.item() == r.leaky_relu_grad(zero) == BOOK_SLOPE


def test_torch_prelu_initial_slope_is_one_shared_quarter():
    prelu = torch.nn.PReLU()
    assert prelu.num_parameters == 1  # one slope shared by all channels by default
    assert prelu.weight.tolist() == [0.25]
    assert r.ACTIVATIONS["prelu"].learnable.init == 0.25


# --- the chapter on gradients: ReLU'(0) under PyTorch's autograd, ReLU written four ways ------

POINTS = [-1.5, -1e-300, -0.0, 0.0, 1e-300, 2.0]


def autograd_slope(expression, x: float) -> float:
    """d expression / dx at ``x``, by PyTorch's autograd in float64."""
    t = torch.tensor([x], dtype=torch.float64, requires_grad=True)
    expression(t).sum().backward()
    return float(t.grad.item())


EXPRESSIONS = {
    # id: (expression, the value the chapter's table states at 0)
    "torch.relu": (torch.relu, 0.0),
    "torch.nn.functional.relu": (torch.nn.functional.relu, 0.0),
    "torch.maximum(x, zeros)": (lambda t: torch.maximum(t, torch.zeros_like(t)), 0.5),
    "torch.clamp(x, min=0)": (lambda t: torch.clamp(t, min=0), 1.0),
}


@pytest.mark.parametrize("name", EXPRESSIONS)
@pytest.mark.parametrize("zero", [0.0, -0.0], ids=["+0", "-0"])
def test_gradient_at_zero_is_the_one_in_the_chapters_table(name, zero):
    expression, stated = EXPRESSIONS[name]
    assert autograd_slope(expression, zero) == stated


@pytest.mark.parametrize("name", EXPRESSIONS)
def test_every_expression_has_relus_slope_away_from_zero(name):
    expression, _ = EXPRESSIONS[name]
    away = [x for x in POINTS if x != 0.0]
    got = [autograd_slope(expression, x) for x in away]
    assert got == [r.relu_grad(x) for x in away]


def test_torch_relu_agrees_with_relu_grad_at_every_point_including_zero():
    got = np.array([autograd_slope(torch.relu, x) for x in POINTS])
    np.testing.assert_array_equal(got, r.relu_grad(np.array(POINTS)))
