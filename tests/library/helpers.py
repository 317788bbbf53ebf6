"""Helpers shared by the library's tests, defined once.

Imported as ``from helpers import ...``: pytest puts the folder of the test files on
``sys.path``, so this keeps working when the library's tests move to a folder of their
own together with it.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

TORCH_REASON = "PyTorch is optional: install the CPU build with `make torch`"


def import_torch():
    """``torch``, or skip the calling module; under ``RECTIFIERS_TORCH_REQUIRED=1`` (CI, which
    installs it) a missing torch is an ImportError, a failure rather than a skip."""
    if os.environ.get("RECTIFIERS_TORCH_REQUIRED") == "1":
        import torch

        return torch
    return pytest.importorskip("torch", reason=TORCH_REASON)


def torch_or_none():
    """``torch`` where it is installed (always under ``RECTIFIERS_TORCH_REQUIRED=1``), else
    ``None``: for modules of which only some tests need it (mark those ``needs_torch``)."""
    if os.environ.get("RECTIFIERS_TORCH_REQUIRED") == "1":
        return import_torch()
    try:
        import torch
    except ModuleNotFoundError:
        return None
    return torch


class Tensor:
    """Stands in for a framework tensor: converts to NumPy through ``__array__`` only."""

    def __init__(self, values, dtype=None):
        self.values, self.dtype = values, dtype

    def __array__(self, dtype=None, copy=None):
        return np.array(self.values, dtype=dtype or self.dtype)


def every_float16() -> np.ndarray:
    """All 65,536 float16 bit patterns, in order: NaNs of both signs, ±0 and ±inf included."""
    return np.arange(2**16, dtype=np.uint16).view(np.float16)


def all_finite_float16() -> np.ndarray:
    """The 63,488 finite float16 values."""
    every = every_float16()
    return every[np.isfinite(every)]


# --- relu and relu_grad on arrays: values, and the scalar path to compare with -------------

EDGES = [-np.inf, -1.5, -0.0, 0.0, 2.0, np.inf, np.nan]
FLOATS = [np.float16, np.float32, np.float64]
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
