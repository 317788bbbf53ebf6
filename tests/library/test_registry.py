"""Every record in ``rectifiers.ACTIVATIONS`` gets these tests: a new record needs no edit here.

For each record (and a few parameter variants made with ``with_params``), and for both
the function and its derivative:

- edge values: NaN propagates; ``f(±inf)`` is the limit of ``f`` at ``±`` a huge finite
  input; ``f`` is continuous at 0 (``f(0) == f(-0.0)`` is the limit from either side);
  the derivative at 0 and ``-0.0`` is the left-hand limit, the package's convention at
  a kink (PyTorch's too), which is the plain value where the derivative is continuous;
- the derivative agrees with central differences away from 0 (and a learnable
  parameter's gradient agrees with central differences in that parameter);
- float16: all 63,488 finite float16 inputs give the float64 result rounded to float16,
  within PyTorch's half-precision tolerance (rtol 1e-3, atol 1e-5), with no miss;
- inside ``MLP``: the hand-written backward pass agrees with central differences, and
  training lowers the loss.

The input rules (scalars, dtypes, ``out=``, bad input) are tested, for every record too,
in ``tests/test_inputs.py``. A record defined here, outside the package (Mish), trains in
``MLP`` and passes ``check_grad`` with no edit to the package.
"""

from __future__ import annotations

import math
import re
from operator import attrgetter
from pathlib import Path

import numpy as np
import pytest
from helpers import all_finite_float16

from rectifiers import ACTIVATIONS, MLP, Activation, check_grad, numerical_derivative
from rectifiers.registry import Registry


def _mish(x, out=None):
    """Mish (Misra 2019): x tanh(softplus(x)); defined here to show the package is open."""
    a = np.asarray(x, dtype=np.float64)
    with np.errstate(over="ignore"):
        result = a * np.tanh(np.logaddexp(0.0, a))
    return float(result) if np.ndim(x) == 0 and out is None else result


def _mish_grad(x, out=None):
    a = np.asarray(x, dtype=np.float64)
    sp = np.logaddexp(0.0, a)
    t = np.tanh(sp)
    sigma = np.exp(-np.logaddexp(0.0, -a))
    result = t + a * (1.0 - t * t) * sigma
    return float(result) if np.ndim(x) == 0 and out is None else result


MISH = Activation("mish", _mish, _mish_grad)

# Parameter variants: a record's params are tested at other values than the defaults too.
VARIANTS = [
    ACTIVATIONS["leaky_relu"].with_params(negative_slope=0.2),
    ACTIVATIONS["prelu"].with_params(slope=-0.5),
    ACTIVATIONS["elu"].with_params(alpha=2.0),
    ACTIVATIONS["gelu"].with_params(approximate="tanh"),
]
RECORDS = list(ACTIVATIONS.values()) + VARIANTS


def record_id(act: Activation) -> str:
    params = [f"{k}={v}" for k, v in act.params.items()
              if v != ACTIVATIONS[act.name].params[k]] if act.name in ACTIVATIONS else []
    return "-".join([act.name, *params])


each_record = pytest.mark.parametrize("act", RECORDS, ids=record_id)
# Function and derivative: the same rules hold for both.
each_function = pytest.mark.parametrize(
    ("act", "role"),
    [(a, role) for a in RECORDS for role in ("function", "derivative")],
    ids=[f"{record_id(a)}-{role}" for a in RECORDS for role in ("function", "derivative")],
)


def apply(act, role):
    return act if role == "function" else act.derivative


HUGE = 1e300  # finite, and far enough out that every limit here is reached in float64
TINY = 1e-300  # close enough to 0 that every function here has reached its value at 0


def test_the_registry_is_read_only_and_keyed_by_record_name():
    assert all(name == act.name for name, act in ACTIVATIONS.items())
    with pytest.raises(TypeError):
        ACTIVATIONS["mish"] = MISH
    with pytest.raises(KeyError, match="known: relu"):
        ACTIVATIONS["mish"]
    with pytest.raises(ValueError, match="two activations named 'relu'"):
        Registry([ACTIVATIONS["relu"], ACTIVATIONS["relu"]])


@each_record
def test_a_record_calls_its_functions_with_its_params(act):
    x = np.linspace(-3.0, 3.0, 13)
    np.testing.assert_array_equal(act(x), act.function(x, **act.params))
    np.testing.assert_array_equal(act.derivative(x), act.derivative.fn(x, **act.params))


def test_with_params_returns_a_new_record_and_refuses_unknown_names():
    leaky = ACTIVATIONS["leaky_relu"]
    steeper = leaky.with_params(negative_slope=0.2)
    assert steeper(-1.0) == -0.2 and leaky(-1.0) == -0.01
    assert steeper.derivative(-1.0) == 0.2
    with pytest.raises(TypeError, match="no parameter slope"):
        leaky.with_params(slope=0.2)


# --- edge values ------------------------------------------------------------------------------


@each_function
def test_nan_propagates(act, role):
    f = apply(act, role)
    assert math.isnan(f(float("nan")))
    out = f(np.array([1.0, np.nan, -1.0]))
    assert np.isnan(out[1]) and not np.isnan(out[[0, 2]]).any()


def limit_at(f, sign: float) -> float:
    """The limit of ``f`` at ``sign * inf``, read from ``f(sign * HUGE)``."""
    far = f(sign * HUGE)
    if abs(far) > 1e-3 * HUGE:  # still growing like x: the limit is infinite
        return math.copysign(math.inf, far)
    return far


@each_function
@pytest.mark.parametrize("sign", [-1.0, 1.0], ids=["-inf", "+inf"])
def test_infinity_gives_the_limit(act, role, sign):
    f = apply(act, role)
    expected = limit_at(f, sign)
    assert f(sign * math.inf) == pytest.approx(expected, rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(f(np.array([sign * math.inf])), [expected], rtol=1e-12)


@each_function
def test_huge_finite_inputs_give_no_nan_and_no_floating_point_warning(act, role):
    x = np.array([-1e308, -1e200, -800.0, 800.0, 1e200, 1e308])
    with np.errstate(all="raise"):
        y = apply(act, role)(x)
    assert not np.isnan(y).any()


@each_record
def test_the_function_is_continuous_at_zero_and_ignores_the_sign_of_zero(act):
    at_zero = act(0.0)
    assert act(-0.0) == at_zero
    assert act(-TINY) == pytest.approx(at_zero, abs=1e-12)
    assert act(TINY) == pytest.approx(at_zero, abs=1e-12)


@each_record
def test_the_derivative_at_zero_is_the_left_hand_limit(act):
    left = act.derivative(-TINY)
    assert act.derivative(0.0) == pytest.approx(left, rel=1e-12)
    assert act.derivative(-0.0) == pytest.approx(left, rel=1e-12)


# --- the derivative against central differences ---------------------------------------------

AWAY_FROM_ZERO = np.r_[np.linspace(-6.0, -0.05, 60), np.linspace(0.05, 6.0, 60)]


@pytest.mark.parametrize("act", [*RECORDS, MISH], ids=record_id)
def test_derivative_matches_central_differences_away_from_zero(act):
    result = check_grad(act, act.derivative, AWAY_FROM_ZERO)
    assert result.max_rel_error < 1e-7, result


@pytest.mark.parametrize("act", [a for a in RECORDS if a.learnable], ids=record_id)
def test_learnable_parameter_gradient_matches_central_differences(act):
    spec, name = act.learnable, act.learnable.name
    for x in AWAY_FROM_ZERO[::10]:
        value = act.params[name]
        numeric = numerical_derivative(lambda p, x=x: act(x, **{name: p}), value)
        analytic = spec.gradient(x, **act.params)
        assert analytic == pytest.approx(numeric, rel=1e-7, abs=1e-9)


# --- float16: computed in float32, rounded once ----------------------------------------------


FLOAT16 = all_finite_float16()


@each_function
def test_float16_matches_the_float64_result_rounded_to_float16(act, role):
    f = apply(act, role)
    got = f(FLOAT16)
    assert got.dtype == np.float16
    with np.errstate(over="ignore"):  # a float64 result beyond 65504 rounds to inf, as it should
        expected = f(FLOAT16.astype(np.float64)).astype(np.float16)
    close = np.isclose(got.astype(np.float64), expected.astype(np.float64), rtol=1e-3, atol=1e-5,
                       equal_nan=True)
    misses = FLOAT16[~close]
    assert misses.size == 0, f"{misses.size} misses, first at x = {misses[:5].tolist()}"


# --- inside the network ---------------------------------------------------------------------


def toy_problem(n=64, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(n, 2))
    return X, np.sin(X[:, :1]) + 0.5 * X[:, 1:] ** 2


@pytest.mark.parametrize("act", [*RECORDS, MISH], ids=record_id)
def test_network_gradients_match_central_differences(act):
    X, y = toy_problem(n=16)
    net = MLP([2, 6, 5, 1], activation=act, seed=3)
    _, grads = net.loss_and_grads(X, y)
    flat = grads.flatten()
    assert len(flat) == len(net.parameters())
    for param, grad in zip(net.parameters(), flat, strict=True):
        result = check_grad(lambda _: net.loss(X, y), grad, param)
        assert result.max_rel_error < 1e-6, result


@pytest.mark.parametrize("act", [*RECORDS, MISH], ids=record_id)
def test_training_lowers_the_loss(act):
    X, y = toy_problem()
    net = MLP([2, 16, 16, 1], activation=act, seed=0)
    initial = net.loss(X, y)
    history = net.fit(X, y, epochs=30, lr=0.02, batch_size=16)
    assert history[-1] < 0.5 * initial, (initial, history[-1])


def test_a_record_from_outside_the_package_is_not_registered_by_using_it():
    MLP([2, 3, 1], activation=MISH)
    assert "mish" not in ACTIVATIONS


# --- the registry resolves names and records for everything that takes an activation ------


def test_resolve_gives_the_record_of_a_name_and_a_record_itself():
    leaky = ACTIVATIONS["leaky_relu"].with_params(negative_slope=0.2)
    assert ACTIVATIONS.resolve("relu") is ACTIVATIONS["relu"]
    assert ACTIVATIONS.resolve(leaky) is leaky


def test_resolve_refuses_unknown_names_and_what_is_not_a_name_or_record():
    with pytest.raises(ValueError, match="unknown activation 'tanhh'; known: relu, "):
        ACTIVATIONS.resolve("tanhh")
    for bad in (None, 3, ACTIVATIONS["relu"].function, b"relu"):
        with pytest.raises(TypeError, match="a name in rectifiers.ACTIVATIONS or an Activation"):
            ACTIVATIONS.resolve(bad)


def test_only_the_rectifiers_are_marked_piecewise_linear():
    marked = [act.name for act in ACTIVATIONS.values() if act.piecewise_linear]
    assert marked == ["relu", "leaky_relu", "prelu"]
    with pytest.raises(TypeError, match="piecewise_linear must be a bool"):
        Activation("f", abs, abs, piecewise_linear="yes")


BIBLIOGRAPHY = Path(__file__).resolve().parents[2] / "book" / "references.bib"


@pytest.mark.parametrize("act", ACTIVATIONS.values(), ids=attrgetter("name"))
def test_every_record_cites_an_entry_of_the_books_bibliography(act):
    if not BIBLIOGRAPHY.exists():
        pytest.skip("the book's references.bib is not beside the library")
    keys = re.findall(r"^@\w+\{([^,\s]+),", BIBLIOGRAPHY.read_text(), flags=re.M)
    assert act.reference in keys
