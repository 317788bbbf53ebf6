"""Scalar behaviour of relu and relu_grad: the rules of chapter 1."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectifiers import relu, relu_grad

INF = float("inf")
NAN = float("nan")
finite = st.floats(allow_nan=False, allow_infinity=False)
any_float = st.floats(allow_nan=True, allow_infinity=True)


@pytest.mark.parametrize(("x", "expected"), [(3, 3.0), (-2, 0.0), (2.5, 2.5), (-1e-300, 0.0)])
def test_relu_returns_input_for_positive_and_zero_otherwise(x, expected):
    result = relu(x)
    assert result == expected
    assert type(result) is float


def test_relu_of_positive_input_is_the_input_not_one():
    assert relu(7.25) == 7.25
    assert relu_grad(7.25) == 1.0


def test_relu_propagates_nan():
    assert math.isnan(relu(NAN))
    assert math.isnan(relu(np.float32("nan")))


def test_relu_of_infinities():
    assert relu(INF) == INF
    assert relu(-INF) == 0.0


@pytest.mark.parametrize("zero", [0.0, -0.0, 0])
def test_relu_of_either_zero_is_positive_zero(zero):
    result = relu(zero)
    assert result == 0.0 and math.copysign(1.0, result) == 1.0


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (Fraction(3, 4), 0.75),
        (Fraction(-1, 3), 0.0),
        (Decimal("2.5"), 2.5),
        (Decimal("-7"), 0.0),
        (np.float32(1.5), 1.5),
        (np.float16(-2.0), 0.0),
        (np.int64(4), 4.0),
        (np.uint8(200), 200.0),
    ],
)
def test_relu_accepts_every_real_scalar_type(x, expected):
    result = relu(x)
    assert result == expected and type(result) is float


@pytest.mark.parametrize(("x", "expected"), [(2.5, 1.0), (3, 1.0), (1e-300, 1.0), (INF, 1.0),
                                             (-1.0, 0.0), (-INF, 0.0), (0.0, 0.0), (-0.0, 0.0)])
def test_relu_grad_is_one_above_zero_and_zero_at_or_below(x, expected):
    result = relu_grad(x)
    assert result == expected and type(result) is float


def test_relu_grad_propagates_nan():
    assert math.isnan(relu_grad(NAN))


def test_relu_grad_accepts_the_same_scalar_types():
    assert relu_grad(Fraction(1, 2)) == 1.0
    assert relu_grad(Decimal("-0.5")) == 0.0
    assert relu_grad(np.float32(2)) == 1.0


@pytest.mark.parametrize("func", [relu, relu_grad])
@pytest.mark.parametrize(
    ("bad", "type_name"),
    [("3", "str"), (None, "NoneType"), (2 + 1j, "complex"), (np.complex128(1), "complex"),
     (True, "bool"), (np.bool_(False), "bool"), (object(), "object"), ({1.0}, "set")],
)
def test_bad_scalar_input_raises_type_error_naming_the_type(func, bad, type_name):
    with pytest.raises(TypeError, match=type_name) as info:
        func(bad)
    assert "accepted" in str(info.value)


@given(any_float)
def test_relu_is_never_negative(x):
    assert not relu(x) < 0.0


@given(finite.filter(lambda v: v > 0))
def test_relu_is_identity_on_positive_input(x):
    assert relu(x) == x


@given(any_float)
def test_relu_is_idempotent(x):
    once = relu(x)
    twice = relu(once)
    assert (math.isnan(once) and math.isnan(twice)) or once == twice


@given(finite)
def test_relu_splits_input_into_positive_and_negative_parts(x):
    assert relu(x) - relu(-x) == x


@given(any_float)
def test_relu_grad_matches_the_sign_of_the_input(x):
    g = relu_grad(x)
    if math.isnan(x):
        assert math.isnan(g)
    else:
        assert g == (1.0 if x > 0 else 0.0)
