"""relu and relu_grad on NumPy arrays: the rules of chapter 2."""

from __future__ import annotations

from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import rectifiers.activations as activations
from rectifiers import relu, relu_grad

EDGES = [-np.inf, -1.5, -0.0, 0.0, 2.0, np.inf, np.nan]
FLOATS = [np.float16, np.float32, np.float64]
INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64]
# A negative NaN: what x86 produces for inf - inf. It must come out as a NaN too.
NEG_NAN = -np.float64("nan")


def scalar_path(f, arr, dtype):
    """f applied element by element through the scalar path (Python floats), as an array."""
    return np.array([f(float(v)) for v in arr.ravel()], dtype=dtype).reshape(arr.shape)


def assert_same_floats(result, expected):
    """Equal values, NaN where NaN, and the same sign bit wherever the value is not NaN."""
    assert result.dtype == expected.dtype and result.shape == expected.shape
    nan = np.isnan(expected)
    np.testing.assert_array_equal(np.isnan(result), nan)
    np.testing.assert_array_equal(result[~nan], expected[~nan])
    np.testing.assert_array_equal(np.signbit(result[~nan]), np.signbit(expected[~nan]))


@pytest.fixture
def small_blocks():
    """Blocks of 4 elements (float32) so that small arrays take the multi-block path."""
    with patch.object(activations, "_RELU_BLOCK_BYTES", 16):
        yield


# --- dtypes --------------------------------------------------------------------------------


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


@pytest.mark.parametrize("dtype", FLOATS + [np.longdouble])
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


def test_relu_of_positive_input_is_the_input_not_one():
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


# --- the blocked path ------------------------------------------------------------------------


def test_relu_of_an_array_larger_than_a_block_matches_the_scalar_path():
    x = np.random.default_rng(1).standard_normal(3 * activations._RELU_BLOCK_BYTES // 4 + 17)
    x = x.astype(np.float32)
    x[[5, -3]] = -0.0  # in the first and the last block only
    x[[100, -100]] = [np.nan, NEG_NAN]
    assert_same_floats(relu(x), scalar_path(relu, x, np.float32))


def test_relu_in_place_on_many_small_blocks(small_blocks):
    x = np.array(EDGES * 5 + [NEG_NAN], dtype=np.float32)
    expected = scalar_path(relu, x, np.float32)
    relu(x, out=x)
    assert_same_floats(x, expected)


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a[::2],  # strided
        lambda a: a.reshape(6, 6).T,  # Fortran order
        lambda a: a.reshape(6, 6)[:, 1:4],  # a non-contiguous window
    ],
)
def test_relu_of_non_contiguous_arrays_matches_the_scalar_path(small_blocks, make):
    a = np.array(EDGES * 5 + [NEG_NAN], dtype=np.float32)
    x = make(a)
    assert_same_floats(relu(x), scalar_path(relu, x, np.float32))
    out = np.empty(x.shape[::-1], dtype=np.float32).T  # a non-contiguous out as well
    relu(x, out=out)
    assert_same_floats(out, scalar_path(relu, x, np.float32))


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
    with patch.object(activations, "_RELU_BLOCK_BYTES", 8):  # and across many small blocks
        out = np.empty_like(x)
        relu(x, out=out)
    assert_same_floats(out, expected)


@pytest.mark.parametrize("dtype", FLOATS)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_relu_grad_on_arrays_equals_the_scalar_path_elementwise(dtype, data):
    x = data.draw(float_arrays(dtype))
    assert_same_floats(relu_grad(x), scalar_path(relu_grad, x, dtype))
