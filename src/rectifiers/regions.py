r"""Linear regions of a ReLU network: where it is one affine map, and how many such pieces.

A hidden unit of a ReLU (or Leaky ReLU, or PReLU) network is *active* where its
pre-activation :math:`z > 0`. The *activation pattern* of an input lists, for
every hidden unit, whether it is active. On the set of inputs that share one
pattern the network is a single affine map, and that set is convex; we call it
an (activation) region. Two regions with different patterns can still carry the
same affine map (for instance when a unit's outgoing weights are zero), so the
count of regions is an upper bound on the count of distinct affine pieces; for
networks with random weights the two agree.

- :func:`region_boundaries_1d` and :func:`count_regions_1d` are exact along a
  segment: a unit's pre-activation is affine between two consecutive boundaries
  of the layers below it, so its zero crossings are found by interpolation,
  layer by layer.
- :func:`activation_patterns` and :func:`region_map_2d` sample a grid: the number
  of distinct patterns seen is a *lower bound* on the number of regions, as a
  region smaller than the grid spacing can fall between the grid points.

>>> import numpy as np
>>> from rectifiers import MLP
>>> net = MLP([1, 2, 1], seed=0)
>>> net.weights[0][:] = [[1.0, -1.0]]   # units x and -x: |x| needs both
>>> count_regions_1d(net, -1.0, 1.0)
2
"""

from __future__ import annotations

from itertools import islice
from typing import NamedTuple

import numpy as np

from ._inputs import count_parameter, finite_array, samples
from .activations import ACTIVATIONS
from .nn import hidden_layers
from .registry import Activation

__all__ = [
    "activation_patterns",
    "region_boundaries_1d",
    "count_regions_1d",
    "region_map_2d",
]

# Boundaries closer than this (in t, on a segment of length 1) are one boundary.
_MERGE = 1e-12


def _network(net, activation=None):
    """``(weights, biases, activation record)`` of an MLP or of a ``(weights, biases)`` pair."""
    if hasattr(net, "weights") and hasattr(net, "biases"):
        if activation is not None:
            raise TypeError("activation= is read from the MLP; pass it only with "
                            "a (weights, biases) pair")
        weights, biases, record = net.weights, net.biases, net.activation
        learnable = getattr(net, "learnable", None) or None  # PReLU's slopes, per layer
    elif isinstance(net, tuple | list) and len(net) == 2:
        weights, biases = net
        record = ACTIVATIONS.resolve("relu" if activation is None else activation)
        learnable = None
    else:
        raise TypeError("net must be an MLP or a (weights, biases) pair of lists, "
                        f"got {type(net).__name__}")
    if not record.piecewise_linear:
        kinked = ", ".join(r.name for r in ACTIVATIONS.values() if r.piecewise_linear)
        raise ValueError(f"regions are defined for piecewise-linear activations with one "
                         f"kink at 0 (records with piecewise_linear=True: {kinked}), "
                         f"got {record.name!r}")
    if isinstance(weights, np.ndarray) or isinstance(biases, np.ndarray) \
            or not isinstance(weights, list | tuple) or not isinstance(biases, list | tuple):
        raise TypeError("weights and biases must be lists of arrays, one per layer")
    if len(weights) != len(biases) or len(weights) < 2:
        raise ValueError("need as many weight matrices as bias vectors, and at least one "
                         f"hidden layer; got {len(weights)} and {len(biases)}")
    Ws, bs = [], []
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        W, b = finite_array(W, f"weights[{i}]"), finite_array(b, f"biases[{i}]")
        fan_in = Ws[-1].shape[1] if Ws else None
        if W.ndim != 2 or (fan_in is not None and W.shape[0] != fan_in):
            raise ValueError(f"weights[{i}] has shape {W.shape}, expected ({fan_in}, k)")
        if b.shape != (W.shape[1],):
            raise ValueError(f"biases[{i}] has shape {b.shape}, expected ({W.shape[1]},)")
        Ws.append(W)
        bs.append(b)
    return Ws, bs, _Layers(record, learnable)


class _Layers(NamedTuple):
    """The activation of a network's hidden layers, and its learnable values (or None)."""

    record: Activation
    learnable: list | None


def _hidden_preactivations(Ws, bs, act, X):
    """Pre-activations of every hidden layer, lazily (the output layer has no kink)."""
    return (z for z, _ in hidden_layers(X, Ws[:-1], bs[:-1], act.record, act.learnable))


def activation_patterns(net, X, *, activation=None) -> np.ndarray:
    """On/off pattern of every hidden unit for each row of ``X``: bool ``(n, units)``.

    Entry ``[i, j]`` is ``z > 0`` for hidden unit ``j`` (layers in order) on sample
    ``i``; ``z == 0`` counts as off, like ReLU'(0) = 0. ``net`` is an MLP with a
    piecewise-linear activation (ReLU, Leaky ReLU, PReLU with its learned slopes), or
    a ``(weights, biases)`` pair with ``activation`` a name or record (default
    ``"relu"``).

    >>> import numpy as np
    >>> from rectifiers import MLP
    >>> net = MLP([1, 2, 1], seed=0)
    >>> net.weights[0][:] = [[1.0, -1.0]]
    >>> activation_patterns(net, np.array([[-2.0], [0.0], [3.0]])).astype(int).tolist()
    [[0, 1], [0, 0], [1, 0]]
    """
    Ws, bs, act = _network(net, activation)
    X = samples(X, Ws[0].shape[0])
    return np.concatenate([z > 0 for z in _hidden_preactivations(Ws, bs, act, X)], axis=1)


def _endpoint(point, d, name):
    """A point of the input space as a float64 vector; a number is a point in 1-D."""
    given = finite_array(point, name)
    p = given.reshape(-1) if given.ndim == 0 else given
    if p.shape != (d,):
        raise ValueError(f"{name} must be a point of the input space, shape ({d},), "
                         f"got shape {given.shape}")
    return p


def region_boundaries_1d(net, start, end, *, activation=None) -> np.ndarray:
    r"""Where the segment from ``start`` to ``end`` crosses a boundary, exactly.

    The segment is :math:`x(t) = \text{start} + t\,(\text{end} - \text{start})`,
    :math:`0 \le t \le 1`. Returns the sorted parameters :math:`t` in the open
    interval (0, 1) at which some hidden unit's pre-activation changes sign,
    each once. The first hidden layer's pre-activations are affine in :math:`t`;
    so is layer :math:`\ell`'s between two consecutive boundaries of layers
    :math:`< \ell`, and its zero there is :math:`t_k + (t_{k+1} - t_k)\, z_k /
    (z_k - z_{k+1})`, found from the values :math:`z_k, z_{k+1}` at the ends.

    Edge conventions: a unit whose pre-activation only touches 0 (without
    changing sign), or is 0 at an end of the segment, adds no boundary; regions
    are open intervals, so a crossing at exactly ``start`` or ``end`` is not
    inside. Exact up to the rounding of the crossings: boundaries less than
    ``1e-12`` apart in ``t`` (two units with the same kink, computed with
    different rounding) are merged, and so are crossings within ``1e-12`` of an
    end.

    ``start`` and ``end`` are points of the input space (a float is accepted for
    a one-input network). ``net`` as in :func:`activation_patterns`.

    >>> import numpy as np
    >>> from rectifiers import MLP
    >>> net = MLP([1, 2, 1], seed=0)
    >>> net.weights[0][:] = [[1.0, 1.0]]
    >>> net.biases[0][:] = [0.5, -0.5]        # kinks at x = -0.5 and x = 0.5
    >>> region_boundaries_1d(net, -1.0, 1.0)  # t = 0.25 and 0.75 on [-1, 1]
    array([0.25, 0.75])
    """
    Ws, bs, act = _network(net, activation)
    d = Ws[0].shape[0]
    p, q = _endpoint(start, d, "start"), _endpoint(end, d, "end")
    if np.array_equal(p, q):
        raise ValueError("start and end must differ: a point has no boundaries")
    ts = np.array([0.0, 1.0])
    for layer in range(len(Ws) - 1):
        X = p + ts[:, None] * (q - p)
        z = next(islice(_hidden_preactivations(Ws, bs, act, X), layer, None))
        z0, z1 = z[:-1], z[1:]      # values at both ends of each interval
        cross = (z0 * z1) < 0       # a strict change of sign inside
        k, _ = np.nonzero(cross)
        frac = z0[cross] / (z0[cross] - z1[cross])
        new = ts[k] + (ts[k + 1] - ts[k]) * frac
        ts = np.unique(np.concatenate([ts, new]))
        # Two kinks at one point (two equal units) round to neighbouring floats.
        ts = ts[np.concatenate([[True], np.diff(ts) > _MERGE])]
    return ts[(ts > _MERGE) & (ts < 1.0 - _MERGE)]   # the boundaries inside


def count_regions_1d(net, start, end, *, activation=None) -> int:
    """Number of regions the segment from ``start`` to ``end`` passes through, exactly.

    One more than the number of boundaries of :func:`region_boundaries_1d`: each
    boundary is a sign change of some unit, so the patterns on its two sides differ.
    A convex region meets a segment in one interval, so these are distinct regions.

    >>> from rectifiers import MLP
    >>> net = MLP([1, 1, 1, 1], seed=0)   # one unit per layer: at most 3 pieces
    >>> count_regions_1d(net, -5.0, 5.0) <= 3
    True
    """
    return len(region_boundaries_1d(net, start, end, activation=activation)) + 1


def region_map_2d(net, xlim, ylim, resolution=200, *, activation=None):
    """Label a ``resolution x resolution`` grid on a rectangle by activation pattern.

    Returns ``(labels, count)``: ``labels[i, j]`` is the region of the point
    ``(x[j], y[i])`` with ``x = linspace(*xlim, resolution)`` and
    ``y = linspace(*ylim, resolution)``, numbered 0, 1, ... in the order the
    patterns first appear in the flattened grid, so the numbering is deterministic.
    ``count`` is the number of distinct patterns seen: a *lower bound* on the
    number of regions that meet the rectangle. Regions are convex, so different
    patterns are different regions; a region thinner than the grid spacing may
    hold no grid point and be missed. A finer grid that contains the coarser one
    never sees fewer.

    >>> from rectifiers import MLP
    >>> net = MLP([2, 2, 1], seed=0)
    >>> net.weights[0][:] = [[1.0, 0.0], [0.0, 1.0]]   # the two axes
    >>> labels, count = region_map_2d(net, (-1, 1), (-1, 1), resolution=4)
    >>> count, labels.shape
    (4, (4, 4))
    """
    Ws, bs, act = _network(net, activation)
    if Ws[0].shape[0] != 2:
        raise ValueError(f"region_map_2d needs a network with 2 inputs, "
                         f"this one has {Ws[0].shape[0]}")
    resolution = count_parameter(resolution, "resolution", minimum=2)
    axes = []
    for name, lim in (("xlim", xlim), ("ylim", ylim)):
        lim = finite_array(lim, name)
        if lim.shape != (2,) or not lim[0] < lim[1]:
            raise ValueError(f"{name} must be (low, high) with finite low < high, got {lim}")
        axes.append(np.linspace(lim[0], lim[1], int(resolution)))
    gx, gy = np.meshgrid(*axes)
    X = np.column_stack([gx.ravel(), gy.ravel()])
    patterns = np.concatenate([z > 0 for z in _hidden_preactivations(Ws, bs, act, X)], axis=1)
    # One bytes-like key per row (8 units to a byte) makes np.unique fast.
    packed = np.ascontiguousarray(np.packbits(patterns, axis=1))
    keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    # Renumber by first appearance: np.unique sorts the patterns lexicographically.
    order = np.argsort(np.argsort(first))
    labels = order[inverse.reshape(-1)].reshape(gx.shape)
    return labels, int(len(first))
