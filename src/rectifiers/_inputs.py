"""Input rules shared by every public function: what is accepted, and how it is refused.

Each public function in :mod:`rectifiers` calls :func:`classify` (or, for input that
must be an array, :func:`as_real_array`) first, so a reader can learn the rules once:

- a real scalar (``int``, ``float``, ``fractions.Fraction``, ``decimal.Decimal``, a
  NumPy integer or floating scalar) takes the scalar path and gives a Python ``float``;
- a NumPy array of integer or floating dtype (float16, float32, float64), or anything
  that converts to one: a rectangular (nested) list or tuple of real scalars, a
  ``range``, an ``array.array``, a ``memoryview``, or an object with ``__array__``
  (a CPU tensor, say), takes the array path and gives an ``ndarray``.

Refused with ``TypeError``: ``bool``, ``str``, ``None``, complex numbers, object and
string arrays, masked arrays (their mask would be silently dropped), ``np.longdouble``
(no SciPy routine here has a long-double version) and bfloat16 or other dtypes that
NumPy has no native type for. Refused with ``ValueError``: a number too large for a
float64 (``10**400``, ``Fraction(10**400, 3)``, ``Decimal("1e400")``). Arrays in
non-native byte order are converted to native order first, so they give the same
results as native ones.

>>> classify(3)
('scalar', 3.0)
>>> classify(range(3))
('array', array([0, 1, 2]))
"""

from __future__ import annotations

import array
import numbers
from decimal import Decimal
from fractions import Fraction

import numpy as np

ACCEPTED = (
    "a real scalar (int, float, fractions.Fraction, decimal.Decimal, or a NumPy integer or "
    "floating scalar), or a NumPy array of integer or float16/32/64 dtype, or what converts "
    "to one: a rectangular list or tuple of real scalars, a range, an array.array, a "
    "memoryview, or an object with __array__"
)
_SCALAR_TYPES = (int, float, Fraction, Decimal, np.integer, np.floating)
_ARRAY_TYPES = (np.ndarray, list, tuple, range, array.array, memoryview)
_LONGDOUBLE = (
    "np.longdouble is not supported (the SciPy and NumPy routines used here have no "
    "long-double versions everywhere); convert with .astype(np.float64)"
)


def _too_large(x, name: str) -> ValueError:
    text = repr(x)
    if len(text) > 40:
        text = f"{text[:20]}...{text[-8:]} ({len(text)} characters)"
    return ValueError(f"{name} = {text} is too large for a float64 (largest: about 1.8e308)")


def real_scalar(x, name: str = "x") -> float:
    """``float(x)`` for a real scalar of an accepted type; huge values raise ``ValueError``.

    The caller has checked that ``x`` is one of the accepted scalar types and not a bool.
    """
    if isinstance(x, np.floating) and x.dtype.itemsize > 8:
        raise TypeError(f"{name}: {_LONGDOUBLE}")
    try:
        v = float(x)
    except OverflowError:  # int and Fraction beyond 1.8e308
        raise _too_large(x, name) from None
    # Decimal('1e400') rounds silently to inf: refuse it like an int of the same size.
    if v in (float("inf"), float("-inf")) and isinstance(x, Decimal) and x.is_finite():
        raise _too_large(x, name)
    return v


def _is_scalar(x) -> bool:
    return isinstance(x, _SCALAR_TYPES) and not isinstance(x, bool | np.bool_)


def classify(x, name: str = "x"):
    """Return ``("scalar", float(x))`` or ``("array", ndarray)``, or raise.

    ``bool`` is refused on purpose: ``True`` is an ``int`` in Python, but an
    activation applied to a truth value is almost always a bug.
    """
    if isinstance(x, bool | np.bool_):
        raise TypeError(f"{name} must be real-valued, got bool; accepted: {ACCEPTED}")
    if isinstance(x, _SCALAR_TYPES):
        return "scalar", real_scalar(x, name)
    return "array", as_real_array(x, name)


def _type_name(x) -> str:
    return "complex" if isinstance(x, numbers.Complex) else type(x).__name__


def as_real_array(x, name: str = "x") -> np.ndarray:
    """``x`` as an ndarray of integer or floating dtype (native byte order), or raise.

    Accepts what :data:`ACCEPTED` lists (a real scalar gives a 0-d array); see the
    module docstring for what is refused and why.
    """
    if isinstance(x, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a masked array, which is not supported (its mask would be ignored): "
            f"pass {name}.filled(value) or {name}.compressed() instead"
        )
    if isinstance(x, bool | np.bool_):
        raise TypeError(f"{name} must be real-valued, got bool; accepted: {ACCEPTED}")
    if _is_scalar(x):
        if isinstance(x, np.generic) or (isinstance(x, int) and -2**63 <= x < 2**64):
            return _check_dtype(np.asarray(x), name)
        return np.asarray(real_scalar(x, name))
    if not (isinstance(x, _ARRAY_TYPES) or hasattr(x, "__array__")
            or hasattr(x, "__array_interface__")):
        raise TypeError(f"{name} must be a real number or array, got {_type_name(x)}; "
                        f"accepted: {ACCEPTED}")
    from_python = isinstance(x, list | tuple)
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise TypeError(f"{name} is not a rectangular array: {exc}") from None
    except OverflowError:
        raise _too_large(x, name) from None
    if arr.dtype == object and from_python:
        arr = _from_python_numbers(arr, name)
    return _check_dtype(arr, name)


def _from_python_numbers(arr: np.ndarray, name: str) -> np.ndarray:
    """A list of real scalars that NumPy stored as objects (Fractions, huge ints) -> float64."""
    out = np.empty(arr.shape, dtype=np.float64)
    for index, item in np.ndenumerate(arr):
        if not _is_scalar(item):
            where = f"{name}[{', '.join(map(str, index))}]"
            raise TypeError(f"{where} must be a real scalar, got {_type_name(item)}; "
                            f"accepted: {ACCEPTED}")
        out[index] = real_scalar(item, f"{name}[{', '.join(map(str, index))}]")
    return out


def _check_dtype(arr: np.ndarray, name: str) -> np.ndarray:
    dtype = arr.dtype
    if dtype.kind == "V" or "bfloat16" in dtype.name:
        raise TypeError(
            f"{name} has dtype {dtype.name}, which is not a native NumPy type (NumPy has no "
            f"native bfloat16 or other extension floats): convert with .astype(np.float32)"
        )
    if dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must have an integer or floating dtype, got dtype {dtype}; "
            f"accepted: {ACCEPTED}"
        )
    if dtype.kind == "f" and dtype.itemsize > 8:
        raise TypeError(f"{name} has dtype {dtype}: {_LONGDOUBLE}")
    if not dtype.isnative:  # big-endian data on a little-endian machine, or the reverse
        arr = arr.astype(dtype.newbyteorder("="))
    return arr


def check_out(out, shape: tuple, dtype: np.dtype, name: str = "out") -> np.ndarray:
    """Validate an ``out=`` argument before anything is written to it."""
    if not isinstance(out, np.ndarray) or isinstance(out, np.ma.MaskedArray):
        raise TypeError(f"{name} must be a numpy.ndarray (not masked), got {type(out).__name__}")
    if out.shape != shape:
        raise ValueError(f"{name} has shape {out.shape}, expected {shape}")
    if out.dtype != dtype:
        raise TypeError(f"{name} has dtype {out.dtype}, expected {dtype}")
    if not out.flags.writeable:
        raise ValueError(f"{name} is read-only")
    return out


def float_result_dtype(arr: np.ndarray) -> np.dtype:
    """Floating arrays keep their dtype; integer arrays give float64."""
    return arr.dtype if arr.dtype.kind == "f" else np.dtype(np.float64)


_SCALAR_ONLY = "a real scalar (int, float, Fraction, Decimal or a NumPy real scalar; not an array)"


# --- one validator per kind of argument ---------------------------------------------------


def real_parameter(value, name: str, *, allow_negative: bool = False,
                   positive: bool = False) -> float:
    """A finite real hyper-parameter (a slope, an alpha, a step, a learning rate) as a float.

    ``>= 0`` unless ``allow_negative``; ``> 0`` if ``positive``. ``TypeError`` for what is
    not a real scalar (an array, a str, None, a bool, a complex), ``ValueError`` for NaN,
    infinities and values out of range; each message names the argument.

    >>> real_parameter(0.5, "lr", positive=True)
    0.5
    """
    if not _is_scalar(value):
        raise TypeError(f"{name} must be {_SCALAR_ONLY}, got {_type_name(value)}")
    v = real_scalar(value, name)
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be finite, got {v}")
    if positive and v <= 0:
        raise ValueError(f"{name} must be > 0, got {v}")
    if v < 0 and not allow_negative:
        raise ValueError(f"{name} must be >= 0, got {v}")
    return v


def count_parameter(value, name: str, *, minimum: int = 0) -> int:
    """A whole number (``epochs``, ``batch_size``, ``seed``, a width) ``>= minimum``, as an int.

    ``TypeError`` for what is not a Python or NumPy int (a bool, a float, a str, None),
    ``ValueError`` below ``minimum``; each message names the argument.

    >>> count_parameter(3, "epochs", minimum=1)
    3
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value}")
    return int(value)


def finite_array(x, name: str, shape: tuple | None = None, *, shown: str = "") -> np.ndarray:
    """``x`` as a finite float64 array (of ``shape``, if given), or raise.

    The rules of :func:`as_real_array`, then ``ValueError`` for another shape (checked
    first) and for NaN or infinities; the message shows ``shown`` (else the shape).
    """
    arr = as_real_array(x, name)
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"{name} has shape {arr.shape}, expected {tuple(shape)}")
    arr = arr.astype(np.float64, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} of shape {shown or arr.shape} must be finite, "
                         "found NaN or inf")
    return arr


def samples(X, d: int, name: str = "X") -> np.ndarray:
    """A batch of ``n >= 1`` input points of dimension ``d``: a finite float64 ``(n, d)`` array.

    ``ValueError`` naming the expected shape for another shape or an empty batch, and for
    NaN or infinities; ``TypeError`` for what is not real (the rules of :func:`as_real_array`).
    """
    arr = as_real_array(X, name)
    if arr.ndim != 2 or arr.shape[1] != d or arr.shape[0] == 0:
        raise ValueError(f"{name} has shape {arr.shape}, expected (n, {d}) with n >= 1")
    return finite_array(arr, name, shown=f"(n, {d})")
