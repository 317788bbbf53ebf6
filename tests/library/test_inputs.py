"""The input rules (``rectifiers._inputs``), tested once, for every function that follows them.

Every record's function and derivative, and the other public entry points that take an
array (``dead_units``, ``MLP.forward``), share one set of rules: what is accepted, what
is refused and with which error. A record added to the registry is tested here too.
"""

from __future__ import annotations

import array
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from helpers import Tensor

from rectifiers import (
    ACTIVATIONS,
    MLP,
    born_dead_exact,
    born_dead_rate,
    check_grad,
    count_parameter,
    dead_units,
    numerical_derivative,
    real_parameter,
    region_map_2d,
    set_streaming_threshold,
)
from rectifiers._inputs import ACCEPTED, samples

FUNCTIONS = [(f"{act.name}{suffix}", f) for act in ACTIVATIONS.values()
             for suffix, f in (("", act), ("_grad", act.derivative))]
each_function = pytest.mark.parametrize("f", [f for _, f in FUNCTIONS],
                                        ids=[name for name, _ in FUNCTIONS])
X = np.array([-2.5, -1.0, -0.0, 0.0, 0.5, 3.0])


# Each kind of input ACCEPTED names, with an example of it equal to float64 [1.5, -2.0, 0.0].
ACCEPTED_EXAMPLES = {
    "list or tuple of real scalars": [Fraction(3, 2), Decimal("-2"), 0],
    "range": range(2, -1, -1),  # compared with [2.0, 1.0, 0.0] below
    "array.array": array.array("d", [1.5, -2.0, 0.0]),
    "memoryview": memoryview(array.array("d", [1.5, -2.0, 0.0])),
    "__array__": Tensor([1.5, -2.0, 0.0]),
}


def test_the_accepted_message_names_each_kind_of_array_like_that_is_accepted():
    for phrase in [*ACCEPTED_EXAMPLES, "int", "float", "fractions.Fraction", "decimal.Decimal",
                   "NumPy integer or floating scalar", "float16/32/64"]:
        assert phrase in ACCEPTED, phrase


# --- what is accepted ---------------------------------------------------------------------


@each_function
@pytest.mark.parametrize("x", [2, -1.5, Fraction(-3, 4), Decimal("0.5"), np.float32(-2.0),
                               np.float16(0.5), np.int64(3), np.uint8(7)],
                         ids=lambda x: type(x).__name__)
def test_every_real_scalar_gives_a_python_float_equal_to_the_array_result(f, x):
    result = f(x)
    assert type(result) is float
    assert result == f(np.array([float(x)]))[0]


@each_function
@pytest.mark.parametrize("kind", list(ACCEPTED_EXAMPLES))
def test_every_accepted_array_like_gives_the_result_of_the_equal_float64_array(f, kind):
    values = [2.0, 1.0, 0.0] if kind == "range" else [1.5, -2.0, 0.0]
    np.testing.assert_array_equal(f(ACCEPTED_EXAMPLES[kind]), f(np.array(values)))


@each_function
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_arrays_keep_their_shape_and_floating_dtype(f, dtype):
    x = np.linspace(-3, 3, 12, dtype=dtype).reshape(3, 4)
    y = f(x)
    assert isinstance(y, np.ndarray) and y.shape == (3, 4) and y.dtype == dtype
    np.testing.assert_allclose(y, f(x.astype(np.float64)), rtol=2 * np.finfo(dtype).eps,
                               atol=2 * np.finfo(dtype).eps)


@each_function
@pytest.mark.parametrize("dtype", [np.int8, np.int64, np.uint16])
def test_integer_arrays_give_float64_or_keep_their_integer_dtype_exactly(f, dtype):
    x = np.array([0, 1, 3], dtype=dtype)
    y = f(x)
    assert y.dtype in (np.float64, dtype)  # relu keeps integers, exactly; the others give float64
    np.testing.assert_array_equal(y, f(x.astype(np.float64)))


@each_function
@pytest.mark.parametrize("shape", [(0,), (3, 0), ()])
def test_empty_and_zero_dimensional_arrays_keep_their_shape(f, shape):
    x = np.full(shape, 0.5, dtype=np.float32)
    y = f(x)
    assert isinstance(y, np.ndarray) and y.shape == shape and y.dtype == np.float32


@each_function
def test_non_native_byte_order_gives_the_native_result_bit_for_bit(f):
    native = np.array([-np.inf, -2.0, -0.0, 0.0, 1.5, np.inf, np.nan])
    swapped = native.astype(native.dtype.newbyteorder("S"))
    expected, got = f(native), f(swapped)
    assert got.dtype.isnative
    np.testing.assert_array_equal(got.view(np.uint64), expected.view(np.uint64))


def test_relu_of_big_endian_negative_zero_is_positive_zero():
    y = ACTIVATIONS["relu"](np.array([-0.0], dtype=">f8"))
    assert not np.signbit(y[0])


# --- out= -----------------------------------------------------------------------------------


@each_function
def test_out_receives_the_result_in_place_and_is_checked_first(f):
    x = X.copy()
    expected = f(x)
    assert f(x, out=x) is x
    np.testing.assert_array_equal(x, expected)
    bad_outs = [(np.empty(6, dtype=np.float32), TypeError, "dtype"),
                (np.empty(5), ValueError, "shape"),
                ([0.0] * 6, TypeError, "ndarray"),
                (np.ma.masked_array(np.empty(6)), TypeError, "masked")]
    for out, error, match in bad_outs:
        with pytest.raises(error, match=match):
            f(X, out=out)
    read_only = np.zeros(6)
    read_only.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        f(X, out=read_only)
    assert not read_only.any()


# --- what is refused ------------------------------------------------------------------------

REFUSED = [
    (True, "bool"), (np.bool_(False), "bool"), ("1.0", "str"), (None, "NoneType"),
    (1 + 2j, "complex"), (np.complex128(1), "complex"), (object(), "object"), ({1.0}, "set"),
    (np.array(["a"]), "dtype <U1"), (np.array([1 + 0j]), "dtype complex128"),
    (np.array([True]), "dtype bool"), (np.array([1.5, 2.0], dtype=object), "dtype object"),
    ([1.5, None], r"x\[1\] must be a real scalar, got NoneType"),
    ([[1.0], [1.0, 2.0]], "rectangular"),
    (np.ma.masked_array([1.0, -1.0], mask=[False, True]), "masked array"),
    (np.zeros(2, dtype=np.dtype((np.void, 2))), "no native bfloat16"),
    (np.array([1.0], dtype=np.longdouble), "np.longdouble is not supported"),
    (np.longdouble(1.0), "np.longdouble is not supported"),
]


@each_function
@pytest.mark.parametrize(("bad", "match"), REFUSED, ids=[m for _, m in REFUSED])
def test_bad_input_raises_type_error_saying_what_is_wrong(f, bad, match):
    with pytest.raises(TypeError, match=match):
        f(bad)


TOO_LARGE = [10**400, -(10**400), Fraction(10**400, 3), Decimal("1e400"), [1.0, 10**400]]


@each_function
@pytest.mark.parametrize("big", TOO_LARGE, ids=lambda v: type(v).__name__)
def test_numbers_too_large_for_a_float_raise_value_error_naming_the_input(f, big):
    with pytest.raises(ValueError, match=r"^x(\[1\])? = .* too large for a float64"):
        f(big)


def test_large_integers_that_fit_a_float_are_accepted():
    relu = ACTIVATIONS["relu"]
    assert relu(10**300) == 1e300
    np.testing.assert_array_equal(relu([10**30, -(10**30)]), [1e30, 0.0])


def test_bfloat16_from_ml_dtypes_is_refused_saying_numpy_has_no_native_bfloat16():
    ml_dtypes = pytest.importorskip("ml_dtypes", reason="ml_dtypes is not a dependency")
    x = np.array([1.0, -1.0], dtype=ml_dtypes.bfloat16)
    for _, f in FUNCTIONS:
        with pytest.raises(TypeError, match="NumPy has no native bfloat16"):
            f(x)


# --- the other entry points that take arrays follow the same rules ---------------------------

ENTRY_POINTS = {
    "dead_units": dead_units,
    "MLP.forward": MLP([2, 3, 1], seed=0).forward,
}


@pytest.mark.parametrize("f", ENTRY_POINTS.values(), ids=ENTRY_POINTS.keys())
def test_masked_arrays_are_refused_everywhere(f):
    z = np.ma.masked_array([[1.0, -1.0], [-2.0, 3.0]], mask=[[False, True], [False, False]])
    with pytest.raises(TypeError, match="masked array"):
        f(z)


@pytest.mark.parametrize("f", ENTRY_POINTS.values(), ids=ENTRY_POINTS.keys())
def test_non_native_byte_order_is_read_correctly_everywhere(f):
    z = np.array([[1.0, -1.0], [-2.0, -0.0]])
    np.testing.assert_array_equal(f(z.astype(">f8")), f(z))


# --- scalar-only parameters ------------------------------------------------------------------

SCALAR_PARAMETERS = [
    (act.name, name) for act in ACTIVATIONS.values() for name, value in act.params.items()
    if isinstance(value, float) and (act.learnable is None or act.learnable.name != name)
]


@pytest.mark.parametrize(("act_name", "param"), SCALAR_PARAMETERS)
def test_scalar_parameters_refuse_arrays_and_say_so(act_name, param):
    act = ACTIVATIONS[act_name].with_params(**{param: np.array([0.1])})
    for f in (act, act.derivative):
        with pytest.raises(TypeError, match=f"{param} must be a real scalar .*not an array"):
            f(1.0)


@pytest.mark.parametrize(("call", "param"), [
    (lambda v: numerical_derivative(abs, 1.0, h=v), "h"),
    (lambda v: check_grad(abs, 1.0, 1.0, floor=v), "floor"),
    (lambda v: MLP([1, 2, 1]).fit(np.ones((2, 1)), np.ones((2, 1)), epochs=1, lr=v), "lr"),
])
def test_other_scalar_parameters_refuse_arrays_and_say_so(call, param):
    with pytest.raises(TypeError, match=f"{param} must be a real scalar .*not an array"):
        call(np.array([0.1]))


# --- one validator per kind of argument, shared by every public function ---------------------

NET_2D = MLP([2, 3, 1], seed=0)
INTEGER_ARGUMENTS = {  # name -> (call with the value, smallest accepted value)
    "width": (lambda v: born_dead_exact(v, 1), 1),
    "trials": (lambda v: born_dead_rate(1, 1, trials=v), 1),
    "resolution": (lambda v: region_map_2d(NET_2D, (0, 1), (0, 1), resolution=v), 2),
    "epochs": (lambda v: MLP([1, 2, 1]).fit([[0.0]], [[0.0]], epochs=v, lr=0.1), 0),
    "nbytes": (set_streaming_threshold, 0),
}


@pytest.mark.parametrize("name", INTEGER_ARGUMENTS)
@pytest.mark.parametrize("bad", [True, 2.0, "3", None, 1 + 0j, np.array([3])])
def test_every_integer_argument_refuses_what_is_not_an_int_naming_itself(name, bad):
    call, _ = INTEGER_ARGUMENTS[name]
    with pytest.raises(TypeError, match=f"{name} must be an int"):
        call(bad)


@pytest.mark.parametrize("name", INTEGER_ARGUMENTS)
def test_every_integer_argument_refuses_values_below_its_minimum(name):
    call, minimum = INTEGER_ARGUMENTS[name]
    with pytest.raises(ValueError, match=f"{name} must be an int >= {minimum}"):
        call(minimum - 1)


def test_count_parameter_gives_a_python_int_for_numpy_ints():
    assert type(count_parameter(np.int8(3), "n")) is int


@pytest.mark.parametrize("bad", [0.0, -1e-3, np.float32(-2.0)])
def test_a_positive_real_parameter_refuses_zero_and_negatives(bad):
    with pytest.raises(ValueError, match="lr must be > 0"):
        real_parameter(bad, "lr", positive=True)
    with pytest.raises(ValueError, match="lr must be > 0"):
        MLP([1, 2, 1]).fit([[0.0]], [[0.0]], epochs=1, lr=bad)


@pytest.mark.parametrize(("X", "message"), [
    (np.ones((0, 2)), r"expected \(n, 2\) with n >= 1"),
    (np.ones((3, 3)), r"expected \(n, 2\) with n >= 1"),
    (np.ones(2), r"expected \(n, 2\) with n >= 1"),
    ([[1.0, np.nan]], r"of shape \(n, 2\) must be finite"),
    ([[1.0, -np.inf]], r"of shape \(n, 2\) must be finite"),
])
def test_samples_refuse_other_shapes_empty_batches_and_non_finite_values(X, message):
    with pytest.raises(ValueError, match=message):
        samples(X, 2)


def test_samples_are_float64():
    assert samples([[1, 2]], 2).dtype == np.float64
