"""What each activation promises beyond the shared rules: its formula, conventions and parameters.

The rules every record shares (edge values, derivatives against central differences,
float16, training) are in ``tests/test_registry.py``; the input rules in
``tests/test_inputs.py``. Here: ReLU returns the input (not 1), ``-0.0`` conventions,
closed forms checked against independent formulas, and each parameter's checks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import EDGES, FLOATS, NEG_NAN, assert_same_floats, scalar_path
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rectifiers import (
    elu,
    elu_grad,
    gelu,
    gelu_grad,
    leaky_relu,
    leaky_relu_grad,
    numerical_derivative,
    prelu,
    prelu_grad,
    prelu_slope_grad,
    relu,
    relu_grad,
    silu,
    silu_grad,
    softplus,
    softplus_grad,
)

INF = float("inf")
NAN = float("nan")
finite = st.floats(allow_nan=False, allow_infinity=False)
any_float = st.floats(allow_nan=True, allow_infinity=True)
bounded = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)


# --- ReLU (chapter 1) -------------------------------------------------------------------------

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


@pytest.mark.parametrize(("x", "expected"), [(2.5, 1.0), (3, 1.0), (1e-300, 1.0), (INF, 1.0),
                                             (-1.0, 0.0), (-INF, 0.0), (0.0, 0.0), (-0.0, 0.0)])
def test_relu_grad_is_one_above_zero_and_zero_at_or_below(x, expected):
    result = relu_grad(x)
    assert result == expected and type(result) is float


def test_relu_grad_propagates_nan():
    assert math.isnan(relu_grad(NAN))


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


# --- Leaky ReLU and its relatives (chapter 5) -------------------------------------------------


@pytest.mark.parametrize("slope", [0.0, 0.01, 0.3, 1.5])
def test_leaky_relu_central_difference_at_zero_averages_the_two_slopes(slope):
    numeric = numerical_derivative(lambda x: leaky_relu(x, slope), 0.0)
    assert numeric == pytest.approx((1.0 + slope) / 2)


@pytest.mark.parametrize("x", [-3.0, -0.5, 0.7, 2.0])
@pytest.mark.parametrize("slope", [0.25, -0.1, 0.0])
def test_prelu_slope_grad_matches_central_difference_in_the_slope(x, slope):
    numeric = numerical_derivative(lambda a: prelu(x, slope=a), slope)
    assert prelu_slope_grad(x, slope=slope) == pytest.approx(numeric, abs=1e-9)


# --- values and conventions at 0 --------------------------------------------------------


def test_leaky_relu_returns_input_for_positive_and_slope_times_input_otherwise():
    assert leaky_relu(3.0) == 3.0
    assert leaky_relu(-3.0) == pytest.approx(-0.03)
    assert leaky_relu(-3.0, negative_slope=0.2) == pytest.approx(-0.6)
    assert leaky_relu(0.0) == 0.0


@pytest.mark.parametrize("slope", [0.01, 0.2, 0.3, 0.0])
def test_leaky_relu_grad_at_zero_is_the_negative_slope(slope):
    assert leaky_relu_grad(0.0, negative_slope=slope) == slope
    assert leaky_relu_grad(-0.0, negative_slope=slope) == slope
    assert leaky_relu_grad(1e-300, negative_slope=slope) == 1.0


def test_leaky_relu_with_zero_slope_is_relu():
    x = np.array([-INF, -2.0, -0.0, 0.0, 0.5, INF, NAN])
    np.testing.assert_array_equal(leaky_relu(x, negative_slope=0), relu(x))


@given(bounded, st.floats(min_value=0.0, max_value=10.0))
def test_leaky_relu_is_max_plus_slope_times_min(x, slope):
    assert leaky_relu(x, slope) == (x if x > 0 else slope * x)


def test_prelu_with_default_slope_starts_at_he_et_al_quarter():
    assert prelu(-4.0) == -1.0
    assert prelu_grad(-4.0) == 0.25
    assert prelu(-4.0, slope=-0.5) == 2.0  # PReLU's learned slope may be negative


def test_prelu_accepts_one_slope_per_unit():
    x = np.array([[-1.0, -2.0, 3.0], [4.0, -5.0, -6.0]])
    slope = np.array([0.1, 0.2, 0.3])
    expected = np.where(x > 0, x, slope * x)
    np.testing.assert_allclose(prelu(x, slope=slope), expected, rtol=0, atol=0)
    np.testing.assert_array_equal(prelu_grad(x, slope=slope), np.where(x > 0, 1.0, slope + 0 * x))
    np.testing.assert_array_equal(prelu_slope_grad(x, slope=slope), np.minimum(x, 0.0))


@pytest.mark.parametrize(
    "slope", [[0.1, 0.2, 0.3], [1.5, 2.0, 1.0], [-0.5, 1.5, 0.2], [0.0, 0.0, 0.0], [1.0, 0.0, 3.0]]
)
def test_prelu_matches_its_definition_for_slopes_of_any_size_and_sign(slope):
    x = np.array([[-INF, -2.0, -0.0], [0.0, 0.5, INF], [NAN, -1e300, 1e300]])
    slope = np.array(slope)
    expected = np.array([[xi if xi > 0 or xi != xi else (0.0 if si == 0 else si * xi)
                          for xi, si in zip(row, slope, strict=True)] for row in x])
    np.testing.assert_array_equal(prelu(x, slope=slope), expected)


@pytest.mark.parametrize("x", [-2.0, -0.5, 0.3, 1.0, 4.0])
def test_elu_matches_its_definition(x):
    expected = x if x > 0 else 1.5 * math.expm1(x)
    assert elu(x, alpha=1.5) == pytest.approx(expected, rel=1e-15)


def test_elu_grad_at_zero_is_alpha_like_pytorch():
    assert elu_grad(0.0) == 1.0
    assert elu_grad(0.0, alpha=2.0) == 2.0


@pytest.mark.parametrize("x", [-37.0, -20.0, -10.0, -3.0, -0.5, 0.0, 0.5, 3.0, 10.0])
def test_gelu_matches_erfc_formula_even_in_the_left_tail(x):
    # math.erfc is an independent implementation; 1 + erf(x / sqrt 2) would cancel for x << 0.
    # The tolerance allows for conditioning: erfc(z) changes by 2 z^2 times a relative change of z.
    expected = 0.5 * x * math.erfc(-x / math.sqrt(2.0))
    assert gelu(x) == pytest.approx(expected, rel=1e-12, abs=0)


def test_gelu_tanh_approximation_is_close_to_exact():
    x = np.linspace(-8.0, 8.0, 16001)
    assert np.max(np.abs(gelu(x, approximate="tanh") - gelu(x))) < 5e-4


@pytest.mark.parametrize("x", [-700.0, -30.0, -1.0, 0.0, 1.0, 30.0, 700.0])
def test_silu_and_softplus_match_their_definitions_without_overflow(x):
    sigmoid = 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))
    assert silu(x) == pytest.approx(x * sigmoid, rel=1e-14)
    assert softplus_grad(x) == pytest.approx(sigmoid, rel=1e-14)
    assert softplus(x) == pytest.approx(max(x, 0.0) + math.log1p(math.exp(-abs(x))), rel=1e-15)


def test_smooth_functions_at_zero():
    assert gelu(0.0) == 0.0 and silu(0.0) == 0.0 and elu(0.0) == 0.0
    assert softplus(0.0) == pytest.approx(math.log(2.0), rel=1e-15)
    for grad in (gelu_grad, silu_grad, softplus_grad):
        assert grad(0.0) == 0.5
    assert gelu_grad(0.0, approximate="tanh") == 0.5


@given(bounded)
def test_softplus_lies_between_relu_and_relu_plus_log2(x):
    assert relu(x) <= softplus(x) <= relu(x) + math.log(2.0) + 1e-15 * abs(x)


def test_silu_minimum_is_where_its_derivative_vanishes():
    x = np.linspace(-3.0, 0.0, 300001)
    at = x[np.argmin(silu(x))]
    assert abs(silu_grad(at)) < 1e-4
    assert silu(at) == pytest.approx(-0.2784645, abs=1e-6)


def test_leaky_relu_keeps_the_sign_of_negative_zero():
    assert math.copysign(1.0, leaky_relu(-0.0)) == -1.0
    assert math.copysign(1.0, leaky_relu(0.0)) == 1.0


# --- parameter checks ---------------------------------------------------------------------


@pytest.mark.parametrize("f", [leaky_relu, leaky_relu_grad])
@pytest.mark.parametrize("slope", [-0.01, INF, -INF, NAN])
def test_leaky_relu_refuses_a_negative_or_non_finite_slope(f, slope):
    with pytest.raises(ValueError, match="negative_slope"):
        f(1.0, negative_slope=slope)


@pytest.mark.parametrize("f", [leaky_relu, leaky_relu_grad])
@pytest.mark.parametrize("slope", [True, "0.1", None, [0.1], np.array([0.1])])
def test_leaky_relu_refuses_a_slope_that_is_not_a_real_scalar(f, slope):
    with pytest.raises(TypeError, match="negative_slope"):
        f(1.0, negative_slope=slope)


@pytest.mark.parametrize("f", [elu, elu_grad])
@pytest.mark.parametrize("alpha", [-1.0, INF, NAN])
def test_elu_refuses_a_negative_or_non_finite_alpha(f, alpha):
    with pytest.raises(ValueError, match="alpha"):
        f(1.0, alpha=alpha)


def test_prelu_propagates_a_nan_slope_where_it_is_used():
    # A learned slope is a parameter like a weight: NaN from a diverged run must show, not raise.
    x = np.array([[-1.0, 2.0], [3.0, -4.0]])
    y = prelu(x, slope=np.array([NAN, 0.5]))
    assert np.isnan(y[0, 0]) and y[1, 0] == 3.0 and y[0, 1] == 2.0 and y[1, 1] == -2.0
    assert math.isnan(prelu(-1.0, slope=NAN)) and prelu(1.0, slope=NAN) == 1.0
    assert math.isnan(prelu_grad(-1.0, slope=NAN)) and prelu_grad(1.0, slope=NAN) == 1.0


@pytest.mark.parametrize("f", [prelu, prelu_grad, prelu_slope_grad])
@pytest.mark.parametrize(
    ("slope", "error"), [(True, TypeError), ("0.25", TypeError), (None, TypeError),
                         (np.array(["a"]), TypeError), (1j, TypeError)],
)
def test_prelu_refuses_a_slope_that_is_not_real(f, slope, error):
    with pytest.raises(error, match="slope"):
        f(np.ones((3, 2)), slope=slope)


@pytest.mark.parametrize("f", [prelu, prelu_grad, prelu_slope_grad])
def test_prelu_refuses_a_slope_that_would_enlarge_x(f):
    with pytest.raises(ValueError, match="broadcast"):
        f(np.ones((3, 2)), slope=np.ones(3))
    with pytest.raises(ValueError, match="broadcast"):
        f(1.0, slope=np.ones(2))


@pytest.mark.parametrize("f", [gelu, gelu_grad])
@pytest.mark.parametrize("approximate", ["exact", "Tanh", None, True])
def test_gelu_refuses_an_unknown_approximation(f, approximate):
    with pytest.raises(ValueError, match="approximate"):
        f(1.0, approximate=approximate)


# --- relu and relu_grad on arrays: dtypes, shapes, edge values, out= (chapter 2) ------------

INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]


@pytest.mark.parametrize("dtype", FLOATS)
def test_relu_and_relu_grad_keep_floating_dtypes(dtype):
    x = np.array(EDGES, dtype=dtype)
    assert relu(x).dtype == dtype
    assert relu_grad(x).dtype == dtype


@pytest.mark.parametrize("dtype", INTS)
def test_relu_keeps_integer_dtype_exactly(dtype):
    info = np.iinfo(dtype)
    x = np.array([info.min, 0, 1, info.max], dtype=dtype)
    result = relu(x)
    assert result.dtype == dtype
    np.testing.assert_array_equal(result, np.array([0, 0, 1, info.max], dtype=dtype))


@pytest.mark.parametrize("dtype", INTS)
def test_relu_grad_of_integers_is_float64(dtype):
    x = np.array([0, 1, 100], dtype=dtype)
    result = relu_grad(x)
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [0.0, 1.0, 1.0])


def test_relu_grad_of_negative_integers_is_zero():
    np.testing.assert_array_equal(relu_grad(np.array([-5, -1], dtype=np.int32)), [0.0, 0.0])


def test_lists_become_float64_or_int64_arrays():
    assert relu([1.5, -2.0]).dtype == np.float64
    assert relu([3, -2]).dtype == np.int64
    np.testing.assert_array_equal(relu([3, -2]), [3, 0])


@pytest.mark.parametrize(
    ("x", "dtype_name"),
    [
        (np.array([True, False]), "bool"),
        (np.array([1 + 2j]), "complex128"),
        (np.array([1.0], dtype=np.complex64), "complex64"),
        (np.array([1.5, None], dtype=object), "object"),
        (np.array(["1.5"]), "<U3"),
        ([True, False], "bool"),
    ],
)
@pytest.mark.parametrize("f", [relu, relu_grad])
def test_non_real_arrays_raise_type_error_naming_the_dtype(f, x, dtype_name):
    with pytest.raises(TypeError, match=f"dtype {dtype_name}"):
        f(x)


# --- shapes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 2, 5)])
@pytest.mark.parametrize("f", [relu, relu_grad])
def test_empty_arrays_give_empty_arrays_of_the_same_shape(f, shape):
    x = np.empty(shape, dtype=np.float32)
    result = f(x)
    assert isinstance(result, np.ndarray)
    assert result.shape == shape and result.dtype == np.float32


def test_empty_list_gives_empty_float64_array():
    result = relu([])
    assert result.shape == (0,) and result.dtype == np.float64


@pytest.mark.parametrize("f", [relu, relu_grad])
def test_shape_is_preserved(f):
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    assert f(x).shape == (2, 3, 4)


@pytest.mark.parametrize("f", [relu, relu_grad])
def test_zero_dimensional_array_gives_zero_dimensional_array(f):
    result = f(np.array(-0.0))
    assert isinstance(result, np.ndarray) and result.shape == ()
    assert result == 0.0 and not np.signbit(result)


def test_numpy_scalar_still_gives_python_float():
    assert type(relu(np.float32(2.0))) is float


# --- edge values -----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_relu_edge_values_match_the_scalar_path(dtype):
    x = np.array(EDGES + [NEG_NAN], dtype=dtype)
    result = relu(x)
    assert_same_floats(result, scalar_path(relu, x, dtype))
    assert np.isnan(result[-1]) and np.isnan(result[-2])


@pytest.mark.parametrize("dtype", FLOATS)
def test_relu_grad_edge_values_match_the_scalar_path(dtype):
    x = np.array(EDGES + [NEG_NAN], dtype=dtype)
    assert_same_floats(relu_grad(x), scalar_path(relu_grad, x, dtype))


@pytest.mark.parametrize("dtype", FLOATS)
def test_relu_turns_negative_zero_into_positive_zero(dtype):
    result = relu(np.full(5, -0.0, dtype=dtype))
    assert not np.signbit(result).any()


def test_relu_propagates_nan_in_arrays():
    result = relu(np.array([np.nan, 1.0, NEG_NAN, -1.0]))
    np.testing.assert_array_equal(np.isnan(result), [True, False, True, False])


def test_relu_of_positive_arrays_is_the_input_not_one():
    x = np.array([0.25, 7.0, 1e30])
    np.testing.assert_array_equal(relu(x), x)


# --- out= ------------------------------------------------------------------------------------


@pytest.mark.parametrize("f", [relu, relu_grad])
def test_out_receives_the_result_and_is_returned(f):
    x = np.array(EDGES)
    out = np.empty_like(x)
    assert f(x, out=out) is out
    assert_same_floats(out, f(x))


@pytest.mark.parametrize("f", [relu, relu_grad])
def test_out_of_wrong_shape_raises_value_error_and_is_not_written(f):
    out = np.full(4, 7.0)
    with pytest.raises(ValueError, match="shape"):
        f(np.array([-1.0, 2.0, 3.0]), out=out)
    np.testing.assert_array_equal(out, 7.0)


@pytest.mark.parametrize("f", [relu, relu_grad])
def test_out_of_wrong_dtype_raises_type_error_and_is_not_written(f):
    out = np.full(3, 7.0, dtype=np.float32)
    with pytest.raises(TypeError, match="dtype"):
        f(np.array([-1.0, 2.0, 3.0]), out=out)
    np.testing.assert_array_equal(out, 7.0)


def test_relu_grad_of_integers_wants_a_float64_out():
    out = np.full(2, 7, dtype=np.int64)
    with pytest.raises(TypeError, match="float64"):
        relu_grad(np.array([-1, 2]), out=out)
    np.testing.assert_array_equal(out, 7)


@pytest.mark.parametrize("f", [relu, relu_grad])
def test_out_that_is_not_an_array_raises_type_error(f):
    with pytest.raises(TypeError, match="ndarray"):
        f(np.array([1.0]), out=[0.0])


def test_read_only_out_raises_value_error_and_is_not_written():
    out = np.full(2, 7.0)
    out.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        relu(np.array([-1.0, 2.0]), out=out)
    np.testing.assert_array_equal(out, 7.0)


@pytest.mark.parametrize("dtype", FLOATS + [np.int32])
def test_relu_runs_in_place(dtype):
    x = np.array([-3, -0.0, 0, 2, 5], dtype=dtype)
    expected = relu(x.copy())
    assert relu(x, out=x) is x
    np.testing.assert_array_equal(x, expected)
    assert not np.signbit(x).any()


def test_relu_grad_runs_in_place():
    x = np.array([-3.0, 0.0, 2.0])
    relu_grad(x, out=x)
    np.testing.assert_array_equal(x, [0.0, 0.0, 1.0])


def test_relu_with_out_overlapping_the_input_gives_the_result_of_the_original_input():
    base = np.arange(-5.0, 5.0)
    expected = relu(base[:-1].copy())
    relu(base[:-1], out=base[1:])
    np.testing.assert_array_equal(base[1:], expected)


# --- leaky_relu's fast path is the general formula, bit for bit ------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("slope", [0.01, 0.2, 1.0])
@pytest.mark.parametrize("where", ["new", "out", "in place"])
def test_leaky_relu_fast_path_equals_the_general_path(dtype, slope, where):
    from rectifiers import leaky_relu

    x = np.array(EDGES * 3 + [NEG_NAN, 1e-40, -1e-40, -3e38], dtype=dtype)
    # np.float64(slope) is not exactly a float, so it takes the general path.
    expected = leaky_relu(x, negative_slope=np.float64(slope))
    if where == "new":
        result = leaky_relu(x, negative_slope=slope)
    else:
        result = x.copy() if where == "in place" else np.empty_like(x)
        leaky_relu(x if where == "out" else result, negative_slope=slope, out=result)
    assert_same_floats(result, expected)
    assert_same_floats(expected, scalar_path(lambda v: leaky_relu(v, slope), x, dtype))


# --- property: the array path equals the scalar path element by element ----------------------

def float_arrays(dtype):
    width = np.dtype(dtype).itemsize * 8
    # Edge values are drawn often; other floats are rounded to the dtype by hypothesis.
    elements = st.one_of(st.sampled_from([np.nan, NEG_NAN, np.inf, -np.inf, 0.0, -0.0]),
                         st.floats(allow_nan=True, allow_infinity=True, width=width))
    return hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=3, max_side=12),
                      elements=elements)


@pytest.mark.parametrize("dtype", FLOATS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_relu_on_arrays_equals_the_scalar_path_elementwise(dtype, data):
    x = data.draw(float_arrays(dtype))
    expected = scalar_path(relu, x, dtype)
    assert_same_floats(relu(x), expected)
    out = np.empty_like(x)
    relu(x, out=out)
    assert_same_floats(out, expected)


@pytest.mark.parametrize("dtype", FLOATS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_relu_grad_on_arrays_equals_the_scalar_path_elementwise(dtype, data):
    x = data.draw(float_arrays(dtype))
    expected = scalar_path(relu_grad, x, dtype)
    assert_same_floats(relu_grad(x), expected)

