"""Input rules shared by every activation: what is accepted, and how it is refused.

Each public function in :mod:`rectifiers` calls :func:`classify` first, so a reader
can learn the rules once: real scalars take the scalar path and give a Python
``float``; arrays and array-likes take the array path and give an ``ndarray``.
"""

from __future__ import annotations

import numbers
from decimal import Decimal
from fractions import Fraction

import numpy as np

ACCEPTED = (
    "int, float, fractions.Fraction, decimal.Decimal, a NumPy real scalar, "
    "or a real (integer or floating) NumPy array or array-like"
)
_SCALAR_TYPES = (int, float, Fraction, Decimal, np.integer, np.floating)


def classify(x, name: str = "x"):
    """Return ``("scalar", float(x))`` or ``("array", ndarray)``, or raise ``TypeError``.

    ``bool`` is refused on purpose: ``True`` is an ``int`` in Python, but an
    activation applied to a truth value is almost always a bug.
    """
    if isinstance(x, bool | np.bool_):
        raise TypeError(f"{name} must be real-valued, got bool; accepted: {ACCEPTED}")
    if isinstance(x, _SCALAR_TYPES):
        return "scalar", float(x)
    if isinstance(x, np.ndarray | list | tuple):
        return "array", as_real_array(x, name)
    kind = "complex" if isinstance(x, numbers.Complex) else type(x).__name__
    raise TypeError(f"{name} must be a real number or array, got {kind}; accepted: {ACCEPTED}")


def as_real_array(x, name: str = "x") -> np.ndarray:
    """``np.asarray(x)``, refusing dtypes that are not integer or floating."""
    try:
        arr = np.asarray(x)
    except ValueError as exc:  # ragged nested lists
        raise TypeError(f"{name} is not a rectangular array: {exc}") from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must have an integer or floating dtype, got dtype {arr.dtype}; "
            f"accepted: {ACCEPTED}"
        )
    return arr


def check_out(out, shape: tuple, dtype: np.dtype, name: str = "out") -> np.ndarray:
    """Validate an ``out=`` argument before anything is written to it."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(out).__name__}")
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


def real_parameter(value, name: str, *, allow_negative: bool = False) -> float:
    """A finite real hyper-parameter (a slope, an alpha), as a Python float."""
    kind, v = classify(value, name) if not isinstance(value, np.ndarray) else ("array", None)
    if kind != "scalar":
        raise TypeError(f"{name} must be a real scalar, got {type(value).__name__}")
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be finite, got {v}")
    if v < 0 and not allow_negative:
        raise ValueError(f"{name} must be >= 0, got {v}")
    return v
