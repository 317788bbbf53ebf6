"""ReLU and its derivative, for Python scalars and NumPy arrays.

Each function sits beside its derivative, with the same arguments and the same
input rules (see :mod:`rectifiers._inputs`): a real scalar gives a Python
``float``; an array or array-like gives an ``ndarray``; ``bool``, ``str``,
``None``, complex and object input raise ``TypeError``. NaN always propagates.
"""

from __future__ import annotations

import importlib
import math
from contextlib import contextmanager

import numpy as np

from ._inputs import check_out, classify, count_parameter, float_result_dtype, real_parameter
from .registry import Activation, Learnable, Registry

__all__ = ["relu", "relu_grad", "ACTIVATIONS", "COMPILED", "STREAMING",
           "get_streaming_threshold", "set_streaming_threshold", "streaming_threshold"]

# Native float dtypes that need no conversion (the fast paths below skip classify for them).
_PLAIN_FLOATS = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))


def relu(x, out=None):
    """Rectified linear unit, ReLU(x) = max(0, x).

    Returns x for x > 0 and 0.0 otherwise: the input itself, not 1 (1 is the
    slope). Edge values: relu(nan) is nan, relu(inf) is inf, and relu(-inf)
    and relu(-0.0) are 0.0, the positive zero.

    A real scalar (int, float, Fraction, Decimal or a NumPy real scalar)
    gives a Python float. An array or array-like gives an ndarray of the
    same shape: floating dtypes are kept, and integer dtypes too (exact).
    out works like a ufunc's out=: relu(x, out=x) runs in place.

    >>> relu(3), relu(-2), relu(0.5)
    (3.0, 0.0, 0.5)
    """
    plain = type(x) is np.ndarray and x.dtype in _RELU_DTYPES
    if plain and _plain_out(out, x):
        return _relu_array(x, out)  # a plain array: nothing to convert
    kind, v = classify(x)
    if kind == "scalar" and out is None:
        if v != v:  # NaN: max(0.0, nan) is 0.0, as nan > 0.0 is False
            return v
        # 0.0 goes first: a tie with -0.0 keeps +0.0; the result is a float.
        return max(0.0, v)
    arr = np.asarray(v, dtype=np.float64) if kind == "scalar" else v
    if out is not None:
        check_out(out, arr.shape, arr.dtype)
    return _relu_array(arr, out)


def _relu_array(arr, out):
    """ReLU of a checked real array, into out if given; returns the result.

    Floats go through the compiled loop (src/rectifiers/_relu.c), one pass
    that keeps NaN and gives +0.0 for -0.0. Integers have neither NaN nor
    -0, so np.maximum is exact for them.
    """
    if out is None:  # (for a 0-d array, a ufunc would return a scalar)
        out = np.empty_like(arr)
    if arr.dtype.kind == "f":
        return _relu_float(arr, out=out)
    return np.maximum(arr, arr.dtype.type(0), out=out)


def _bits(dtype, value):
    """The IEEE 754 pattern of ``value`` in float ``dtype``, as a signed integer scalar."""
    return np.array(value, dtype).view(_SIGNED[dtype.itemsize])[()]


_SIGNED = {2: np.int16, 4: np.int32, 8: np.int64}


def _relu_numpy(arr, out):
    """The float loop in NumPy, where the compiled one could not be built.

    The same integer rule as the C loop, on an integer view of the bits:
    keep x where bits(x) > bits(-inf) (positive numbers and every NaN, its
    payload and sign too), else +0.0. Integer work, so no warning, and a
    signalling NaN stays signalling (float arithmetic would quiet it).
    """
    s = arr.view(_SIGNED[arr.dtype.itemsize])
    keep = s > _bits(arr.dtype, -np.inf)
    np.multiply(s, keep, out=out.view(s.dtype))
    return out


# Array dtypes that relu takes as they are (native order), skipping classify.
_RELU_DTYPES = _PLAIN_FLOATS | frozenset(
    np.dtype(t) for t in (np.int8, np.int16, np.int32, np.int64,
                          np.uint8, np.uint16, np.uint32, np.uint64))


def _plain_out(out, x):
    """True if out is None or an ndarray that check_out would accept for x."""
    return out is None or (type(out) is np.ndarray and out.dtype == x.dtype
                           and out.shape == x.shape and out.flags.writeable)


def relu_grad(x, out=None):
    """Derivative of ReLU: 1.0 for x > 0, and 0.0 for x <= 0.

    ReLU has no derivative at 0; like PyTorch, TensorFlow and jax.nn.relu this
    uses the convention ReLU'(0) = 0, for -0.0 too. relu_grad(nan) is nan;
    relu_grad(inf) is 1.0 and relu_grad(-inf) is 0.0.

    A real scalar gives a Python float. An array gives an ndarray: floating
    dtypes are kept, integer dtypes give float64.

    >>> relu_grad(2.5), relu_grad(0), relu_grad(-1)
    (1.0, 0.0, 0.0)
    """
    plain = type(x) is np.ndarray and x.dtype in _PLAIN_FLOATS
    if plain and _plain_out(out, x):
        out = np.empty(x.shape, x.dtype) if out is None else out
        return _relu_grad_array(x, out)
    kind, v = classify(x)
    if kind == "scalar" and out is None:
        if v != v:
            return v
        return 1.0 if v > 0 else 0.0
    arr = np.asarray(v, dtype=np.float64) if kind == "scalar" else v
    dtype = float_result_dtype(arr)
    if out is None:
        out = np.empty(arr.shape, dtype)
    else:
        check_out(out, arr.shape, dtype)
    return _relu_grad_array(arr, out)


def _relu_grad_array(arr, out):
    """ReLU's derivative of a checked real array into out (a float array); returns out.

    Floats go through the compiled loop (src/rectifiers/_relu.c), which keeps NaN;
    integers have none, so a comparison does for them.
    """
    if arr.dtype.kind == "f":
        return _relu_grad_float(arr, out=out)
    return np.greater(arr, arr.dtype.type(0), out=out)


def _relu_grad_numpy(arr, out):
    """The float loop in NumPy, where the compiled one could not be built.

    As the C loop, on the bits: a NaN (magnitude above that of inf) is kept
    as it is, payload and sign included; a pattern above +0.0's gives 1.0;
    both zeros and the negative numbers give +0.0.
    """
    s = arr.view(_SIGNED[arr.dtype.itemsize])
    nan = (s & np.iinfo(s.dtype).max) > _bits(arr.dtype, np.inf)
    bits = np.where(nan, s, np.where(s > 0, _bits(arr.dtype, 1.0), s.dtype.type(0)))
    out.view(s.dtype)[...] = bits
    return out


# The float loops: compiled (src/rectifiers/_relu.c) where setup.py could build them.
try:
    _relu = importlib.import_module(f"{__package__}._relu")
except ModuleNotFoundError as exc:  # no C compiler at install time: NumPy, same bits, slower
    if exc.name != f"{__package__}._relu":
        raise
    _relu = None
# Only a module that is not there falls back; a broken build (an ImportError) is an error.

#: True where relu and relu_grad run the compiled loops on floats, False where NumPy does.
COMPILED = _relu is not None
if COMPILED:
    _relu_float, _relu_grad_float = _relu.relu, _relu.relu_grad
else:
    _relu_float, _relu_grad_float = _relu_numpy, _relu_grad_numpy

#: True where relu has streaming stores: the compiled loop on x86-64 with AVX2 (and glibc).
STREAMING = COMPILED and bool(_relu.streaming)
# Where there is no compiled loop the setting is kept here, so that code that tunes it runs.
_threshold_without_loop = 1 << 25


def get_streaming_threshold() -> int:
    """The output size in bytes from which relu writes with streaming stores (32 MiB).

    See :func:`set_streaming_threshold`.

    >>> get_streaming_threshold() >= 0
    True
    """
    return _relu.get_streaming_threshold() if COMPILED else _threshold_without_loop


def set_streaming_threshold(nbytes) -> int:
    """Make relu write outputs of at least ``nbytes`` bytes with streaming stores.

    Returns the previous value. Streaming (non-temporal) stores send the output to
    memory without reading it into the cache first: they pay off only for an output
    larger than the cache, which would be evicted anyway. The default, 32 MiB, was
    tuned on a machine with 32 MiB of L3 cache; on a machine with a larger cache
    streaming stores slow mid-sized outputs down, so set about the size of its last-
    level cache. ``0`` streams every output, a huge value none. The results are the
    same bits either way. The setting is process-wide, and has an effect only where
    :data:`STREAMING` is true. ``nbytes`` is an int >= 0 (else ``TypeError`` or
    ``ValueError``). :func:`streaming_threshold` sets it for a ``with`` block.

    >>> previous = set_streaming_threshold(2**30)   # a machine with a 1 GiB cache
    >>> set_streaming_threshold(previous) == 2**30
    True
    """
    global _threshold_without_loop
    nbytes = count_parameter(nbytes, "nbytes", minimum=0)
    if COMPILED:
        return _relu.set_streaming_threshold(nbytes)
    previous, _threshold_without_loop = _threshold_without_loop, nbytes
    return previous


@contextmanager
def streaming_threshold(nbytes):
    """:func:`set_streaming_threshold` for the length of a ``with`` block, then the old value.

    >>> import numpy as np
    >>> with streaming_threshold(0):                # stream every output
    ...     relu(np.array([-1.0, 2.0]))
    array([0., 2.])
    """
    previous = set_streaming_threshold(nbytes)
    try:
        yield
    finally:
        set_streaming_threshold(previous)


# --- Leaky ReLU and its relatives (chapter 5) -------------------------------------------
# Each function below shares one path for scalars and arrays (``_elementwise``), so the
# scalar and the array result come from the same formula and cannot drift apart.

__all__ += [
    "leaky_relu", "leaky_relu_grad", "prelu", "prelu_grad", "prelu_slope_grad",
    "elu", "elu_grad", "gelu", "gelu_grad", "silu", "silu_grad", "softplus", "softplus_grad",
]

PRELU_INIT = 0.25  # PReLU's initial slope, as in He et al. (2015) and torch.nn.PReLU.
_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_TANH_K = math.sqrt(2.0 / math.pi)  # Hendrycks & Gimpel (2016), tanh approximation
_GELU_TANH_C = 0.044715
_GELU_APPROXIMATIONS = ("none", "tanh")


def _elementwise(x, out, kernel):
    """Apply ``kernel`` (float ndarray -> array) to ``x`` under the input rules of :func:`relu`.

    Scalars give a Python float, arrays an ndarray: floating dtypes kept, integers -> float64.
    """
    kind, v = classify(x)
    arr = np.asarray(v, dtype=np.float64) if kind == "scalar" else v
    dtype = float_result_dtype(arr)
    if out is not None:
        check_out(out, arr.shape, dtype)
    # Half precision is computed in float32 and rounded once at the end, as PyTorch does:
    # rounding every intermediate to float16 loses up to several units in the last place.
    work = np.dtype(np.float32) if dtype == np.float16 else dtype
    # Overflow in a branch np.where discards, and inf * 0 fixed by each kernel, are not errors.
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        result = kernel(arr.astype(work, copy=False))
    if kind == "scalar" and out is None:
        return float(result)
    if out is None:
        return np.asarray(result, dtype=dtype)
    out[...] = result
    return out


def _sigmoid_pair(a):
    """``(sigmoid(a), sigmoid(-a))`` without overflow, from one ``exp(-|a|)``.

    ``sigmoid(-a)`` is ``1 - sigmoid(a)`` computed without cancellation for large ``a``.
    """
    e = np.exp(-np.abs(a))
    p = 1.0 / (1.0 + e)
    q = e * p
    return np.where(a >= 0, p, q), np.where(a >= 0, q, p)


def _sigmoid(a):
    """Logistic sigmoid 1 / (1 + exp(-a)) without overflow: exp is only taken of -|a|."""
    return _sigmoid_pair(a)[0]


def _leaky(a, slope):
    """``a`` where ``a > 0``, else ``slope * a``; ``slope`` is a float or a broadcastable array."""
    sa = a * slope
    if np.any(slope == 0):  # 0 * (+-inf) is NaN, but slope * a is 0 there for a zero slope
        sa = np.where(np.isinf(a) & (slope == 0), 0.0, sa)
    # For slope <= 1, max(a, slope * a) is exactly this (and min for slope >= 1): one fast ufunc
    # instead of a comparison and a masked select; NaN in a or slope propagates either way.
    if np.all(slope <= 1):
        result = np.maximum(a, sa)
    elif np.all(slope >= 1):
        result = np.minimum(a, sa)
    else:
        result = np.where(a > 0, a, sa)
    return result


def _slope(slope, name):
    """A real slope of any sign: a float, or a float64 array (e.g. one slope per unit)."""
    kind, v = classify(slope, name)
    return v.astype(np.float64) if kind == "array" else v


def leaky_relu(x, negative_slope=0.01, out=None):
    """Leaky ReLU: x where x > 0, negative_slope * x where x <= 0.

    With s = negative_slope, LeakyReLU(x) = max(0, x) + s * min(0, x). The
    default 0.01 is the slope of Maas, Hannun & Ng (2013) and PyTorch's
    default. The slope must be finite and >= 0 (else ValueError); slope 0
    is ReLU. Edge values: NaN gives NaN, inf gives inf, -inf gives -inf
    (0.0 if the slope is 0), and -0.0 gives -0.0. A scalar gives a Python
    float; an array keeps its floating dtype, and integers give float64.

    >>> leaky_relu(2.0), leaky_relu(-2.0), leaky_relu(-2.0, 0.2)
    (2.0, -0.02, -0.4)
    """
    s = negative_slope
    fast = (type(x) is np.ndarray and x.dtype in _LEAKY_FAST
            and type(s) is float and 0 < s <= 1)
    if fast and _plain_out(out, x):
        # For 0 < s <= 1, max(x, s x) is this function: two vector passes.
        if out is None:
            out = np.empty_like(x)
        elif np.may_share_memory(x, out):  # in place: s x needs its own room
            return np.maximum(x, x * s, out=out)
        np.multiply(x, s, out=out)
        return np.maximum(x, out, out=out)
    s = real_parameter(negative_slope, "negative_slope")
    return _elementwise(x, out, lambda a: _leaky(a, s))


# float16 is left out: _elementwise computes it in float32 and rounds once.
_LEAKY_FAST = frozenset(np.dtype(t) for t in (np.float32, np.float64))


def leaky_relu_grad(x, negative_slope=0.01, out=None):
    """Derivative of Leaky ReLU: 1.0 where x > 0, negative_slope where x <= 0.

    At the kink (x = 0 or -0.0) it returns the slope of the left piece, as
    PyTorch's autograd and TensorFlow's kernel do. Edge values: NaN gives
    NaN, inf gives 1.0, -inf gives negative_slope.

    >>> leaky_relu_grad(3.0), leaky_relu_grad(0.0), leaky_relu_grad(-3.0, 0.2)
    (1.0, 0.01, 0.2)
    """
    s = real_parameter(negative_slope, "negative_slope")

    def kernel(a):
        # 1 on the right, s on the left (0 included); NaN stays NaN.
        return np.where(a > 0, 1.0, np.where(a == a, s, a))

    return _elementwise(x, out, kernel)


def prelu(x, slope=PRELU_INIT, out=None):
    r"""Parametric ReLU (He et al. 2015): ``x`` for ``x > 0``, ``slope * x`` for ``x <= 0``.

    The formula of :func:`leaky_relu`, but ``slope`` is a parameter that is *learned*
    (initialised to 0.25): a real scalar of any sign, or an array that broadcasts
    against ``x`` without enlarging it (e.g. one slope per unit, shape ``(n_units,)``
    for ``x`` of shape ``(n_samples, n_units)``); otherwise ``ValueError``. Like a weight,
    and unlike Leaky ReLU's hyper-parameter, it is not checked for finiteness: a NaN
    slope (from a diverged training run) gives NaN where ``x <= 0``. Edge values in ``x``
    as for :func:`leaky_relu`.

    >>> prelu(2.0), prelu(-2.0), prelu(-2.0, slope=-0.5)
    (2.0, -0.5, 1.0)
    """
    a_ = _prelu_slope(x, slope)
    return _elementwise(x, out, lambda a: _leaky(a, a_))


def prelu_grad(x, slope=PRELU_INIT, out=None):
    r"""Derivative of PReLU with respect to ``x``: ``1.0`` for ``x > 0``, ``slope`` for ``x <= 0``.

    Edge values: ``nan -> nan``, ``inf -> 1.0``, ``-inf -> slope``.

    >>> prelu_grad(2.0), prelu_grad(0.0), prelu_grad(-2.0, slope=0.1)
    (1.0, 0.25, 0.1)
    """
    a_ = _prelu_slope(x, slope)
    return _elementwise(x, out, lambda a: np.where(a > 0, 1.0, np.where(a == a, a_, a)))


def prelu_slope_grad(x, slope=PRELU_INIT, out=None):
    """Derivative of PReLU with respect to its slope: min(0, x), elementwise.

    That is 0.0 where x > 0 and x itself where x <= 0. It does not depend on
    the slope, which is accepted so that the three PReLU functions take the
    same arguments. A slope shared by many inputs gets the sum of these
    terms, each weighted by the gradient arriving from above. Edge values:
    NaN gives NaN, inf gives 0.0, -inf gives -inf.

    >>> prelu_slope_grad(2.0), prelu_slope_grad(-2.0)
    (0.0, -2.0)
    """
    _prelu_slope(x, slope)
    return _elementwise(x, out, lambda a: np.where(a > 0, 0.0, a))


def _prelu_slope(x, slope):
    """Validate PReLU's slope, and that broadcasting it does not change ``x``'s shape."""
    s = _slope(slope, "slope")
    if isinstance(s, np.ndarray):
        kind, v = classify(x)
        shape = np.shape(v) if kind == "array" else ()
        try:
            fits = np.broadcast_shapes(shape, s.shape) == shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"slope of shape {s.shape} does not broadcast to x's shape {shape}")
    return s


def elu(x, alpha=1.0, out=None):
    r"""Exponential linear unit (Clevert et al. 2016): ``x`` if ``x > 0``, else ``alpha (e^x - 1)``.

    Bounded below by ``-alpha``; ``alpha`` must be finite and ``>= 0``. ``expm1`` keeps
    small negative inputs accurate. Edge values: ``nan -> nan``, ``inf -> inf``,
    ``-inf -> -alpha``, ``-0.0 -> -0.0``.

    >>> elu(2.0), round(elu(-1.0), 6)
    (2.0, -0.632121)
    """
    al = real_parameter(alpha, "alpha")
    return _elementwise(x, out, lambda a: np.where(a > 0, a, al * np.expm1(a)))


def elu_grad(x, alpha=1.0, out=None):
    r"""Derivative of ELU: ``1.0`` for ``x > 0``, ``alpha * exp(x)`` for ``x <= 0``.

    At 0 the left piece is used (``alpha``), as in PyTorch; for ``alpha = 1`` both pieces
    give 1 and ELU is differentiable there. Edge values: ``nan -> nan``, ``inf -> 1.0``,
    ``-inf -> 0.0``.

    >>> elu_grad(2.0), elu_grad(0.0), round(elu_grad(-1.0), 6)
    (1.0, 1.0, 0.367879)
    """
    al = real_parameter(alpha, "alpha")
    return _elementwise(x, out, lambda a: np.where(a > 0, 1.0, al * np.exp(a)))


def _check_approximate(approximate):
    if not isinstance(approximate, str) or approximate not in _GELU_APPROXIMATIONS:
        raise ValueError(f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return approximate


def _erfc(z):
    # SciPy is imported on first use, so that `import rectifiers` stays light.
    from scipy.special import erfc

    return erfc(z)


def gelu(x, approximate="none", out=None):
    r"""Gaussian error linear unit (Hendrycks & Gimpel 2016): :math:`x\,\Phi(x)`.

    ``approximate="none"``: :math:`\Phi(x) = \tfrac12\operatorname{erfc}(-x/\sqrt2)`, the
    standard normal CDF, written with ``erfc``: PyTorch's ``1 + erf(x/\sqrt2)`` is the same
    function but cancels for ``x << 0`` (about 1e-10 relative error at ``x = -5``, every
    digit lost below ``x = -8.3``). ``approximate="tanh"``: PyTorch's approximation
    :math:`\tfrac x2\,(1 + \tanh u)` with :math:`u = \sqrt{2/\pi}\,(x + 0.044715 x^3)`,
    computed as :math:`x\,\sigma(2u)` (equal, since :math:`1 + \tanh u = 2\sigma(2u)`),
    which does not cancel either.
    Edge values: ``nan -> nan``, ``inf -> inf``, ``-inf -> 0.0`` (the limit), ``0 -> 0``.

    >>> round(gelu(1.0), 6), round(gelu(1.0, approximate="tanh"), 6)
    (0.841345, 0.841192)
    """
    if _check_approximate(approximate) == "tanh":
        def kernel(a):
            s = _sigmoid(2.0 * _GELU_TANH_K * (a + _GELU_TANH_C * a * a * a))
            return np.where(np.isneginf(a), 0.0, a * s)
    else:
        def kernel(a):
            return np.where(np.isneginf(a), 0.0, 0.5 * a * _erfc(-a * _SQRT1_2))
    return _elementwise(x, out, kernel)


def gelu_grad(x, approximate="none", out=None):
    r"""Derivative of GELU: :math:`\Phi(x) + x\,\varphi(x)` (exact) or of its tanh form.

    :math:`\varphi` is the standard normal density; the tanh form's derivative is
    :math:`\sigma(2u) + x\,\sigma(2u)\,\sigma(-2u)\,2u'(x)`. ``gelu_grad(0) == 0.5``. Edge values:
    ``nan -> nan``, ``inf -> 1.0``, ``-inf -> 0.0`` (the limits).

    >>> gelu_grad(0.0), round(gelu_grad(1.0), 6)
    (0.5, 1.083315)
    """
    if _check_approximate(approximate) == "tanh":
        def kernel(a):
            x2 = a * a
            u2 = 2.0 * _GELU_TANH_K * (a + _GELU_TANH_C * x2 * a)
            s, s_minus = _sigmoid_pair(u2)
            s_ds = s * s_minus  # sigma' = sigma (1 - sigma)
            du2 = 2.0 * _GELU_TANH_K * (1.0 + 3.0 * _GELU_TANH_C * x2)
            # Once sigma' underflows to 0 the second term is 0, even where du2 overflowed to inf.
            g = s + np.where(s_ds == 0, 0.0, a * s_ds * du2)
            return np.where(np.isinf(a), a > 0, g)
    else:
        def kernel(a):
            g = 0.5 * _erfc(-a * _SQRT1_2) + a * _INV_SQRT_2PI * np.exp(-0.5 * a * a)
            return np.where(np.isinf(a), a > 0, g)
    return _elementwise(x, out, kernel)


def silu(x, out=None):
    """Sigmoid linear unit, SiLU(x) = x * sigmoid(x), also called swish.

    Named in Hendrycks & Gimpel (2016), the GELU paper; Elfwing et al. (2018)
    and Ramachandran et al. (2017, as "swish") experimented with it later.
    Its minimum is about -0.278, near x = -1.278. Edge values: NaN gives
    NaN, inf gives inf, -inf gives 0.0 (the limit), 0 gives 0.

    >>> silu(0.0), round(silu(1.0), 6)
    (0.0, 0.731059)
    """
    return _elementwise(
        x, out, lambda a: np.where(np.isneginf(a), 0.0, a * _sigmoid(a)))


def silu_grad(x, out=None):
    r"""Derivative of SiLU: :math:`\sigma(x)\,(1 + x\,(1 - \sigma(x)))`.

    ``1 - sigma(x)`` is computed as ``sigma(-x)``, which keeps it accurate for large ``x``.
    ``silu_grad(0) == 0.5``. Edge values: ``nan -> nan``, ``inf -> 1.0``, ``-inf -> 0.0``.

    >>> silu_grad(0.0), round(silu_grad(1.0), 6)
    (0.5, 0.927671)
    """
    def kernel(a):
        s, s_minus = _sigmoid_pair(a)
        g = s * (1.0 + a * s_minus)
        return np.where(np.isinf(a), a > 0, g)
    return _elementwise(x, out, kernel)


def softplus(x, out=None):
    r"""Softplus, :math:`\log(1 + e^x)`, a smooth ReLU (always > 0).

    Computed as :math:`\max(x, 0) + \operatorname{log1p}(e^{-|x|})`, which never overflows and
    is accurate everywhere. PyTorch instead returns ``x`` itself once ``x > 20`` (its
    ``threshold``): the two differ there by :math:`\log(1+e^{-x}) < 2.1\cdot10^{-9}`.
    Edge values: ``nan -> nan``, ``inf -> inf``, ``-inf -> 0.0``, ``0 -> log 2``.

    >>> round(softplus(0.0), 6), softplus(-800.0), softplus(800.0)
    (0.693147, 0.0, 800.0)
    """
    return _elementwise(x, out, lambda a: np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a))))


def softplus_grad(x, out=None):
    r"""Derivative of softplus: the logistic sigmoid :math:`\sigma(x) = 1 / (1 + e^{-x})`.

    ``softplus_grad(0) == 0.5``. PyTorch returns exactly 1 once ``x > 20``; this returns
    :math:`\sigma(x)`, which is below 1 by less than :math:`2.1\cdot10^{-9}` there. Edge values:
    ``nan -> nan``, ``inf -> 1.0``, ``-inf -> 0.0``.

    >>> softplus_grad(0.0), round(softplus_grad(2.0), 6)
    (0.5, 0.880797)
    """
    return _elementwise(x, out, _sigmoid)


# --- What ReLU replaced: the logistic sigmoid and tanh ----------------------------------
__all__ += ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad"]


def sigmoid(x, out=None):
    r"""Logistic sigmoid, :math:`\sigma(x) = 1 / (1 + e^{-x})`, squashing into (0, 1).

    Not a rectifier: it is what ReLU replaced in hidden layers. Computed from
    ``exp(-|x|)``, which never overflows. Edge values: ``nan -> nan``,
    ``inf -> 1.0``, ``-inf -> 0.0``, ``0 -> 0.5``.

    >>> sigmoid(0.0), round(sigmoid(2.0), 6)
    (0.5, 0.880797)
    """
    return _elementwise(x, out, _sigmoid)


def sigmoid_grad(x, out=None):
    r"""Derivative of the sigmoid, :math:`\sigma(x)\,\sigma(-x)`: at most 1/4, at ``x = 0``.

    ``1 - sigma(x)`` is computed as ``sigma(-x)``, so the tails stay accurate.
    Edge values: ``nan -> nan``, ``inf -> 0.0``, ``-inf -> 0.0``.

    >>> sigmoid_grad(0.0), round(sigmoid_grad(2.0), 6)
    (0.25, 0.104994)
    """
    def kernel(a):
        s, s_minus = _sigmoid_pair(a)
        return s * s_minus
    return _elementwise(x, out, kernel)


def tanh(x, out=None):
    r"""Hyperbolic tangent, :math:`\tanh x = 2\sigma(2x) - 1`, squashing into (-1, 1).

    Not a rectifier: with the sigmoid, what ReLU replaced. Edge values:
    ``nan -> nan``, ``inf -> 1.0``, ``-inf -> -1.0``, ``-0.0 -> -0.0``.

    >>> tanh(0.0), round(tanh(1.0), 6)
    (0.0, 0.761594)
    """
    return _elementwise(x, out, np.tanh)


def tanh_grad(x, out=None):
    r"""Derivative of tanh, :math:`1 - \tanh^2 x = 4\,\sigma(2x)\,\sigma(-2x)`: at most 1.

    The product form keeps the tails accurate where ``1 - tanh(x)**2`` cancels
    to 0. Edge values: ``nan -> nan``, ``inf -> 0.0``, ``-inf -> 0.0``.

    >>> tanh_grad(0.0), round(tanh_grad(1.0), 6)
    (1.0, 0.419974)
    """
    def kernel(a):
        s, s_minus = _sigmoid_pair(2.0 * a)
        return 4.0 * s * s_minus
    return _elementwise(x, out, kernel)


# One record per activation: the network, the tests and the book iterate over these.
# Sigmoid-like functions and new rectifiers join by adding a record here, nothing else.
ACTIVATIONS = Registry([
    Activation("relu", relu, relu_grad, reference="nair2010rectified", piecewise_linear=True),
    Activation("leaky_relu", leaky_relu, leaky_relu_grad, {"negative_slope": 0.01},
               reference="maas2013rectifier", piecewise_linear=True),
    Activation("prelu", prelu, prelu_grad, {"slope": PRELU_INIT},
               learnable=Learnable("slope", PRELU_INIT, prelu_slope_grad),
               reference="he2015delving", piecewise_linear=True),
    Activation("elu", elu, elu_grad, {"alpha": 1.0}, reference="clevert2016fast"),
    Activation("gelu", gelu, gelu_grad, {"approximate": "none"},
               reference="hendrycks2016gaussian"),
    Activation("silu", silu, silu_grad, reference="hendrycks2016gaussian"),
    Activation("softplus", softplus, softplus_grad, reference="glorot2011deep"),
    # What ReLU replaced: cited from the study of why they saturate (no primary source
    # for either is in book/references.bib yet).
    Activation("sigmoid", sigmoid, sigmoid_grad, reference="glorot2010understanding"),
    Activation("tanh", tanh, tanh_grad, reference="glorot2010understanding"),
])
