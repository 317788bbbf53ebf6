r"""Gradient checking: central differences, and a comparison with an analytic gradient.

The central difference

.. math:: f'(x) \approx \frac{f(x + h) - f(x - h)}{2h}

has truncation error :math:`\tfrac{h^2}{6} f'''(\xi)` (order :math:`h^2`) and round-off
error of about :math:`\varepsilon |f(x)| / h`. The two balance near
:math:`h \approx \varepsilon^{1/3}`, so the default step is
:math:`h = \varepsilon^{1/3} \max(1, |x|)` (about ``6e-6`` for float64 at ``|x| <= 1``).

At a kink the estimate averages the two one-sided slopes: for ReLU at exactly 0 it is
``(h - 0) / (2h) = 0.5`` for every ``h``, although ``relu_grad(0)`` is 0 by convention.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._inputs import classify, real_parameter

__all__ = ["numerical_derivative", "numerical_gradient", "check_grad", "GradCheck"]


def _step(x, h, eps):
    """The step for each entry of ``x``: ``h`` if given, else ``cbrt(eps) * max(1, |x|)``."""
    if h is None:
        return np.cbrt(eps) * np.maximum(1.0, np.abs(x))
    h = real_parameter(h, "h")
    if h == 0:
        raise ValueError("h must be > 0, got 0.0")
    return h


def numerical_derivative(f, x, h=None):
    r"""Central-difference derivative of an elementwise function ``f`` at ``x``.

    Computes :math:`(f(x + h) - f(x - h)) / 2h` in float64; the error is
    :math:`O(h^2)` for smooth ``f`` (halving ``h`` quarters it) until round-off,
    which grows like :math:`\varepsilon / h`, takes over. ``h`` defaults to
    :math:`\varepsilon^{1/3} \max(1, |x|)`, near the step that balances the two.
    The division uses the step actually taken, ``(x + h) - (x - h)`` in floating
    point, so the rounding of ``x ± h`` adds no error of its own.

    ``x`` follows the package's input rules: a real scalar gives a Python
    ``float``; an array gives a float64 ``ndarray`` of the same shape, and then
    ``f`` must be elementwise (``f(x)`` has ``x``'s shape). Where ``x`` is NaN
    or ±inf the result is NaN: no finite step exists there. At a kink the result
    is the mean of the one-sided slopes, e.g. 0.5 for ReLU at 0.

    >>> import math
    >>> round(numerical_derivative(math.sin, 0.0), 9)
    1.0
    """
    kind, v = classify(x)
    if kind == "scalar":
        if v != v or v in (float("inf"), float("-inf")):
            return float("nan")
        step = _step(v, h, np.finfo(np.float64).eps)
        xp, xm = v + float(step), v - float(step)
        if xp == xm:
            raise ValueError(f"h={step!r} is too small to change x={v!r}")
        return float((f(xp) - f(xm)) / (xp - xm))
    arr = np.asarray(v, dtype=np.float64)
    finite = np.isfinite(arr)
    step = _step(arr, h, np.finfo(np.float64).eps)
    with np.errstate(invalid="ignore"):  # inf - inf in the step of an infinite entry
        xp, xm = arr + step, arr - step
    if np.any((xp == xm) & finite):
        raise ValueError(f"h={h!r} is too small to change some entries of x")
    fp = np.asarray(f(xp), dtype=np.float64)
    fm = np.asarray(f(xm), dtype=np.float64)
    if fp.shape != arr.shape:
        raise ValueError(
            f"f must be elementwise: f(x) has shape {fp.shape}, expected {arr.shape} "
            "(for a scalar-valued f use numerical_gradient)"
        )
    with np.errstate(invalid="ignore", divide="ignore"):  # inf - inf at non-finite x: set below
        d = (fp - fm) / (xp - xm)
    d[~finite] = np.nan
    return d


def numerical_gradient(f, x, h=None):
    r"""Central-difference gradient of a scalar-valued ``f`` with respect to each entry of ``x``.

    ``x`` must be a floating, writeable ``ndarray``. Each entry is moved to
    ``x ± h`` **in place**, ``f(x)`` is called, and the entry is restored exactly,
    so ``f`` may read ``x`` through a closure, e.g. a network's weight matrix:
    ``numerical_gradient(lambda _: net.loss(X, y), net.weights[0])``. This costs
    two calls of ``f`` per entry. Step and error as in :func:`numerical_derivative`
    (``h`` defaults to ``cbrt(eps) * max(1, |x_i|)`` with ``eps`` of ``x``'s dtype).

    >>> import numpy as np
    >>> w = np.array([1.0, -2.0])
    >>> np.round(numerical_gradient(lambda v: float(np.sum(v ** 2)), w), 6)
    array([ 2., -4.])
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        got = f"ndarray of dtype {x.dtype}" if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(f"x must be a floating numpy.ndarray (it is perturbed in place), got {got}")
    if not x.flags.writeable:
        raise ValueError("x is read-only, but numerical_gradient perturbs it in place")
    eps = np.finfo(x.dtype).eps
    grad = np.empty(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        step = x.dtype.type(_step(float(old), h, eps))
        try:
            x[idx] = old + step
            xp, fp = x[idx], _scalar(f(x))
            x[idx] = old - step
            xm, fm = x[idx], _scalar(f(x))
        finally:
            x[idx] = old  # restore exactly, even if f raised
        if xp == xm:
            raise ValueError(f"h={h!r} is too small to change x{list(idx)}={old!r}")
        grad[idx] = (fp - fm) / (float(xp) - float(xm))
    return grad


def _scalar(value) -> float:
    if np.ndim(value) != 0:
        raise ValueError(
            f"f must return a scalar, got shape {np.shape(value)} "
            "(for an elementwise f use numerical_derivative)"
        )
    return float(value)


class GradCheck(NamedTuple):
    """Result of :func:`check_grad`: the largest relative error, where it is, and both gradients."""

    max_rel_error: float
    index: tuple | None  # position of the largest error; None for a scalar x
    analytic: float | np.ndarray
    numeric: float | np.ndarray


def check_grad(f, grad, x, h=None, floor=1e-8):
    r"""Compare an analytic gradient with central differences; report the largest relative error.

    ``f`` is either elementwise (like ``relu``: ``f(x)`` has ``x``'s shape; compared
    with :func:`numerical_derivative`) or scalar-valued (like a loss; compared with
    :func:`numerical_gradient`, which perturbs ``x`` in place when ``x`` is a float
    ndarray). ``grad`` is a callable, called as ``grad(x)``, or an already computed
    gradient of ``x``'s shape. The relative error of each entry is

    .. math:: \frac{|a - n|}{\max(|a|, |n|, \text{floor})},

    so a gradient that is zero (or below ``floor``) is judged on an absolute scale.
    A NaN in either gradient gives a NaN error. In float64, a correct gradient at a
    point away from kinks typically gives ``max_rel_error`` below ``1e-7``.

    >>> from rectifiers import relu, relu_grad
    >>> check_grad(relu, relu_grad, [-1.0, 2.0]).max_rel_error
    0.0
    >>> check_grad(relu, relu_grad, 0.0).numeric  # ReLU's kink: the mean of 0 and 1
    0.5
    """
    floor = real_parameter(floor, "floor")
    kind, v = classify(x)
    if kind == "scalar":
        numeric = numerical_derivative(f, v, h)
        analytic = float(grad(v) if callable(grad) else grad)
    else:
        arr = x if isinstance(x, np.ndarray) and x.dtype.kind == "f" else v.astype(np.float64)
        analytic = np.asarray(grad(arr) if callable(grad) else grad, dtype=np.float64)
        if np.ndim(f(arr)) == 0:
            numeric = numerical_gradient(f, arr, h)
        else:
            numeric = numerical_derivative(f, arr, h)
        if analytic.shape != numeric.shape:
            raise ValueError(f"grad has shape {analytic.shape}, expected {numeric.shape}")
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    denom = np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)
    with np.errstate(invalid="ignore", divide="ignore"):  # floor = 0 and a = n = 0 give 0/0
        rel = np.where(a == n, 0.0, np.abs(a - n) / denom)
    worst = int(np.argmax(rel)) if rel.size else 0
    index = None if kind == "scalar" else np.unravel_index(worst, rel.shape)
    index = None if index is None else tuple(int(i) for i in index)
    return GradCheck(float(rel.flat[worst]) if rel.size else 0.0, index, analytic, numeric)
