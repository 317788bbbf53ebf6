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

from ._inputs import _is_scalar, classify, real_parameter

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
    """Central-difference derivative of an elementwise function f at x.

    Computes (f(x + h) - f(x - h)) / (2h) in float64. For a smooth f the
    error is of order h**2 (halving h quarters it) until round-off, which
    grows like eps / h, takes over; eps is the float64 machine epsilon.
    The default h = eps**(1/3) * max(1, |x|) is near the step that balances
    the two. The division uses the step actually taken, (x + h) - (x - h)
    in floating point, so the rounding of x + h and x - h adds no error.

    A real scalar x gives a Python float. An array x gives a float64 array
    of the same shape, and then f must be elementwise (f(x) has the shape
    of x). Where x is NaN or +-inf the result is NaN: no finite step exists
    there. At a kink the result is the mean of the two one-sided slopes,
    0.5 for ReLU at 0. Near the largest float, where x + h or x - h would
    overflow, the one-sided difference on the other side is used (error of
    order h), so the result stays finite. f must return real numbers: a
    complex, string or None result raises TypeError.

    >>> import math
    >>> round(numerical_derivative(math.sin, 0.0), 9)
    1.0
    """
    _check_callable(f, "f")
    kind, v = classify(x)
    if kind == "scalar":
        if v != v or v in (float("inf"), float("-inf")):
            return float("nan")  # no finite step exists; f is not called
        v = np.asarray(v, dtype=np.float64)
        return float(_central(f, v, h, scalar=True))
    return _central(f, v.astype(np.float64), h)


def _central(f, arr, h, scalar=False):
    """The central difference of ``f`` at every entry of the float64 array ``arr``."""
    finite = np.isfinite(arr)
    step = _step(arr, h, np.finfo(np.float64).eps)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf at an infinite entry
        xp, xm = arr + step, arr - step
    # Near the float maximum x + h overflows: take the one-sided difference there instead.
    xp = np.where(finite & ~np.isfinite(xp), arr, xp)
    xm = np.where(finite & ~np.isfinite(xm), arr, xm)
    if np.any((xp == xm) & finite):
        raise ValueError(f"h={h!r} is too small to change some entries of x")
    # A scalar x gives f a Python float, as the caller passed; an array x gives arrays.
    fp = _real_values(f(float(xp) if scalar else xp), "f", arr.shape)
    fm = _real_values(f(float(xm) if scalar else xm), "f", arr.shape)
    with np.errstate(invalid="ignore", divide="ignore"):  # inf - inf at non-finite x: set below
        d = np.asarray((fp - fm) / (xp - xm), dtype=np.float64)
    d[~finite] = np.nan
    return d


def _check_callable(f, name):
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")


def _real_values(value, name, shape) -> np.ndarray:
    """What a callable returned, as a float64 array of ``shape``, or a clear error.

    A complex, string, ``None`` or object result is refused: converting it would give a
    silently wrong number (the real part, a parsed string, NaN).
    """
    if isinstance(value, bool | np.bool_) or not (
            _is_scalar(value) or isinstance(value, np.ndarray | list | tuple)
            or hasattr(value, "__array__")):
        what = "complex" if isinstance(value, complex | np.complexfloating) else \
            type(value).__name__
        raise TypeError(f"{name} must return real numbers, got {what}")
    arr = np.asarray(value)
    if arr.dtype.kind not in "iuf" or arr.dtype.itemsize > 8 and arr.dtype.kind == "f":
        raise TypeError(f"{name} must return real numbers, got an array of dtype {arr.dtype}")
    if arr.shape != shape:
        hint = ("for a scalar-valued f use numerical_gradient" if shape
                else "x is a scalar, so f(x) must be one")
        raise ValueError(f"{name} must be elementwise: {name}(x) has shape {arr.shape}, "
                         f"expected {shape} ({hint})")
    return arr.astype(np.float64)


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
    if np.ndim(value) != 0 and isinstance(value, np.ndarray | list | tuple):
        raise ValueError(
            f"f must return a scalar, got shape {np.shape(value)} "
            "(for an elementwise f use numerical_derivative)"
        )
    return float(_real_values(value, "f", ()))


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
    _check_callable(f, "f")
    kind, v = classify(x)
    if kind == "scalar":
        numeric = numerical_derivative(f, v, h)
        analytic = float(_real_values(grad(v) if callable(grad) else grad, "grad", ()))
    else:
        arr = x if isinstance(x, np.ndarray) and x.dtype == v.dtype and v.dtype.kind == "f" \
            else v.astype(np.float64)
        if arr.ndim and np.ndim(f(arr)) == 0:  # a scalar-valued f, like a loss
            numeric = numerical_gradient(f, arr, h)
        else:
            numeric = numerical_derivative(f, arr, h)
        analytic = _real_values(grad(arr) if callable(grad) else grad, "grad", numeric.shape)
    a, n = np.asarray(analytic, dtype=np.float64), np.asarray(numeric, dtype=np.float64)
    denom = np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)
    with np.errstate(invalid="ignore", divide="ignore"):  # floor = 0 and a = n = 0 give 0/0
        rel = np.where(a == n, 0.0, np.abs(a - n) / denom)
    if rel.size == 0:  # an empty x: nothing to compare
        return GradCheck(0.0, None, analytic, numeric)
    worst = int(np.argmax(rel))  # a NaN error is the maximum: argmax finds the first NaN
    index = None if kind == "scalar" else tuple(int(i) for i in np.unravel_index(worst, rel.shape))
    return GradCheck(float(rel.flat[worst]), index, analytic, numeric)
