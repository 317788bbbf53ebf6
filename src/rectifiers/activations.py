"""ReLU and its derivative, for Python scalars and NumPy arrays.

Each function sits beside its derivative, with the same arguments and the same
input rules (see :mod:`rectifiers._inputs`): a real scalar gives a Python
``float``; an array or array-like gives an ``ndarray``; ``bool``, ``str``,
``None``, complex and object input raise ``TypeError``. NaN always propagates.
"""

from __future__ import annotations

import numpy as np

from ._inputs import check_out, classify, float_result_dtype

__all__ = ["relu", "relu_grad"]


def relu(x, out=None):
    r"""Rectified linear unit, :math:`\mathrm{ReLU}(x) = \max(0, x)`.

    Returns ``x`` for ``x > 0`` and ``0.0`` otherwise: the input itself, not 1
    (1 is the slope). Edge values: ``relu(nan)`` is ``nan``, ``relu(inf)`` is
    ``inf``, ``relu(-inf)`` and ``relu(-0.0)`` are ``0.0`` (positive zero).

    Scalars (``int``, ``float``, ``Fraction``, ``Decimal``, NumPy real scalars)
    give a Python ``float``. Arrays and array-likes give an ``ndarray`` of the
    same shape: floating dtypes are kept, integer dtypes are kept (exact).
    ``out`` works like a ufunc's ``out=``: ``relu(x, out=x)`` runs in place.

    >>> relu(3), relu(-2), relu(0.5)
    (3.0, 0.0, 0.5)
    """
    kind, v = classify(x)
    if kind == "scalar" and out is None:
        if v != v:  # NaN: max(0.0, nan) would return 0.0, because nan > 0.0 is False
            return v
        # 0.0 goes first so that a tie (x == -0.0) keeps +0.0, and the result is a float.
        return max(0.0, v)
    arr = np.asarray(v, dtype=np.float64) if kind == "scalar" else v
    out = np.empty_like(arr) if out is None else check_out(out, arr.shape, arr.dtype)
    # A zero of the array's own dtype keeps the loop free of casts (see chapter 2).
    np.maximum(arr, arr.dtype.type(0), out=out)
    return out


def relu_grad(x, out=None):
    r"""Derivative of ReLU: ``1.0`` for ``x > 0``, ``0.0`` for ``x <= 0``.

    ReLU has no derivative at 0; like PyTorch, TensorFlow and ``jax.nn.relu``
    this uses the convention ReLU'(0) = 0, for ``-0.0`` too. ``relu_grad(nan)``
    is ``nan``; ``relu_grad(inf)`` is ``1.0`` and ``relu_grad(-inf)`` is ``0.0``.

    Scalars give a Python ``float``. Arrays give an ``ndarray``: floating dtypes
    are kept, integer dtypes give float64.

    >>> relu_grad(2.5), relu_grad(0), relu_grad(-1)
    (1.0, 0.0, 0.0)
    """
    kind, v = classify(x)
    if kind == "scalar" and out is None:
        if v != v:
            return v
        return 1.0 if v > 0 else 0.0
    arr = np.asarray(v, dtype=np.float64) if kind == "scalar" else v
    dtype = float_result_dtype(arr)
    out = np.empty(arr.shape, dtype) if out is None else check_out(out, arr.shape, dtype)
    # heaviside(x, 0) is exactly this derivative: 0 below, 0 at 0, 1 above, NaN kept.
    np.heaviside(arr, dtype.type(0), out=out)
    return out


# Name -> (function, derivative), for ``MLP(activation=name)``; new activations register here.
ACTIVATIONS = {
    "relu": (relu, relu_grad),
}
