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
    """Blocks of 4 elements (float32) so that small arrays take relu_grad's blocked path."""
    with patch.object(activations, "_BLOCK_BYTES", 16):
        yield


@pytest.fixture(params=[False, True, "neither"], ids=["x-first", "zero-first", "neither"])
def tie_order(request):
    """Force each of relu's three ways for floats, whatever the probe found on this machine.

    Yields (forced order, {dtype: the order the probe found}). A forced order that the
    probe rejected may give -0.0; the fallback ("neither") never does.
    """
    saved = dict(activations._RELU_ZERO)
    probed = {np.dtype(t): activations._relu_zero(np.dtype(t)) for t in FLOATS}
    for dtype in probed:
        activations._RELU_ZERO[dtype] = request.param
    yield request.param, probed
    activations._RELU_ZERO.clear()
    activations._RELU_ZERO.update(saved)


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


# --- relu's single pass: the probed operand order, and the fallback ---------------------------


def layouts(values):
    """The same values laid out the ways NumPy's loops differ: (name, x) pairs."""
    n, dtype = values.size, values.dtype
    raw = np.zeros(n * dtype.itemsize + 1, np.uint8)
    misaligned = raw[1:].view(dtype)
    misaligned[...] = values
    return [
        ("contiguous", values.copy()),
        ("strided", np.repeat(values, 2)[::2]),
        ("reversed", values[::-1].copy()[::-1]),
        ("misaligned", misaligned),
        ("2-D transposed", np.tile(values, (3, 1)).T),
    ]


@pytest.mark.parametrize("dtype", FLOATS)
def test_the_probe_finds_a_safe_order_or_none(dtype):
    assert activations._relu_zero(np.dtype(dtype)) in (True, False, "neither")
    zeros = activations._ZEROS[np.dtype(dtype)]
    assert zeros.dtype == dtype and not zeros.any() and not np.signbit(zeros).any()


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1000, 4097, 2**16 - 1,
                               2**16 + 1])
def test_the_probed_order_gives_positive_zero_on_every_layout(dtype, n):
    """What the probe promises, checked on sizes and layouts it did not try itself."""
    values = np.full(n, -0.0, dtype)
    values[::5] = np.nan
    values[2::9] = -2
    for name, x in layouts(values):
        nans = np.isnan(x).copy()
        for out in (None, np.empty(x.shape, dtype), x):
            result = relu(x, out=out)
            assert not np.any(np.signbit(result) & ~np.isnan(result)), (name, n, out is x)
            np.testing.assert_array_equal(np.isnan(result), nans)


@pytest.mark.parametrize("dtype", FLOATS)
def test_every_way_of_relu_matches_the_scalar_path(tie_order, dtype):
    forced, probed = tie_order
    values = np.array(EDGES * 5 + [NEG_NAN], dtype=dtype)
    for _, x in layouts(values):
        expected = scalar_path(relu, x, dtype)
        for out in (None, np.empty(x.shape, dtype), x):
            result = relu(x, out=out)
            nan = np.isnan(expected)
            np.testing.assert_array_equal(np.isnan(result), nan)
            np.testing.assert_array_equal(result[~nan], expected[~nan])
            if forced == "neither" or forced == probed[np.dtype(dtype)]:
                assert_same_floats(result, expected)  # the sign of zero too


def test_relu_of_a_large_array_matches_the_scalar_path():
    x = np.random.default_rng(1).standard_normal(3 * 2**18 + 17).astype(np.float32)
    x[[5, -3]] = -0.0
    x[[100, -100]] = [np.nan, NEG_NAN]
    assert_same_floats(relu(x), scalar_path(relu, x, np.float32))


@pytest.mark.parametrize("dtype", FLOATS)
def test_relu_in_place_turns_negative_zero_positive(dtype):
    x = np.array(EDGES * 5 + [NEG_NAN], dtype=dtype)
    expected = scalar_path(relu, x, dtype)
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
def test_relu_of_non_contiguous_arrays_matches_the_scalar_path(make):
    a = np.array(EDGES * 5 + [NEG_NAN], dtype=np.float32)
    x = make(a)
    assert_same_floats(relu(x), scalar_path(relu, x, np.float32))
    out = np.empty(x.shape[::-1], dtype=np.float32).T  # a non-contiguous out as well
    relu(x, out=out)
    assert_same_floats(out, scalar_path(relu, x, np.float32))


def test_relu_takes_the_general_path_for_arrays_that_need_converting():
    big_endian = np.array([-0.0, -1.0, np.nan, 2.0], dtype=">f8")
    result = relu(big_endian)
    assert_same_floats(result, scalar_path(relu, big_endian, np.float64))
    with pytest.raises(TypeError, match="masked"):
        relu(np.ma.masked_array([1.0, -1.0], mask=[True, False]))


# --- relu_grad's blocks: the fast comparison, heaviside only where a block holds NaN ----------


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("in_place", [False, True])
def test_relu_grad_blocks_with_and_without_nan(small_blocks, dtype, in_place):
    x = np.array([1.0, -1.0, 0.0, -0.0] * 3 + [2.0, np.nan, -np.inf, np.inf]
                 + [3.0, -3.0, NEG_NAN, 0.5] * 1100, dtype=dtype)
    expected = scalar_path(relu_grad, x, dtype)
    out = x if in_place else np.empty_like(x)
    relu_grad(x, out=out)
    assert_same_floats(out, expected)
    assert not np.signbit(out[~np.isnan(out)]).any()


def test_relu_grad_of_a_large_array_with_one_nan_in_one_block():
    x = np.random.default_rng(2).standard_normal(3 * 2**17 + 5)
    x[2**17 + 3] = np.nan
    assert_same_floats(relu_grad(x), scalar_path(relu_grad, x, np.float64))


def test_relu_grad_with_out_overlapping_the_input_gives_the_result_of_the_original_input():
    base = np.array([-1.0, np.nan, 2.0, 0.0] * 400)
    expected = relu_grad(base[:-1].copy())
    relu_grad(base[:-1], out=base[1:])
    assert_same_floats(base[1:], expected)


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
    with patch.object(activations, "_BLOCK_BYTES", 8):  # and across many small blocks
        y = np.ascontiguousarray(np.tile(x.reshape(-1), 2**12 // max(x.size, 1) + 1))
        assert_same_floats(relu_grad(y), scalar_path(relu_grad, y, dtype))
