"""Dead ReLU units: find them in a layer, and predict how often a fresh network is born dead.

A unit is *dead* on a batch when its pre-activation is ``<= 0`` for every sample: ReLU then
outputs 0 and passes back the gradient 0 for each sample, so gradient descent on that batch never
moves the unit's incoming weights or bias (chapter 4).
"""

from __future__ import annotations

import math
from itertools import repeat

import numpy as np

from ._inputs import as_real_array, count_parameter
from .activations import ACTIVATIONS
from .nn import hidden_layers

__all__ = ["dead_units", "dead_fraction", "born_dead_exact", "born_dead_rate"]


def _layer(preactivations, name: str = "preactivations") -> np.ndarray:
    """One layer's pre-activations as a 2-D real array, or a ``ValueError`` that says why not."""
    z = as_real_array(preactivations, name)
    if z.size == 0:
        raise ValueError(f"{name} is empty (shape {z.shape}): no sample or no unit to check")
    if z.ndim != 2:
        raise ValueError(
            f"{name} must have shape (n_samples, n_units), got an array of rank {z.ndim} "
            f"with shape {z.shape}; for several layers pass a list of 2-D arrays"
        )
    if z.dtype.kind == "f" and np.isnan(z).any():
        # NaN <= 0 is False, so a NaN would silently count as "alive": refuse it instead.
        raise ValueError(f"{name} contains NaN; a unit's state is undefined on NaN input")
    return z


def dead_units(preactivations) -> np.ndarray:
    """Mask of the dead units of one layer: True where z <= 0 for every sample.

    preactivations has shape (n_samples, n_units): row i holds the layer's
    pre-activations z = x W + b for sample i. Unit j is dead on this batch
    when every entry of column j is <= 0: its ReLU output and its gradient
    (with the convention ReLU'(0) = 0) are 0 for every sample. Edge values:
    0 and -0.0 count as dead, -inf is dead, +inf is alive; NaN raises
    ValueError.

    Any real array-like is accepted (a list, a NumPy array, or an object
    with __array__, such as a CPU tensor converted with .numpy()). Empty
    input or a rank other than 2 raises ValueError; non-numeric input
    raises TypeError.

    >>> dead_units([[1.0, -2.0, 0.0], [-1.0, -0.5, 0.0]]).tolist()
    [False, True, True]
    """
    z = _layer(preactivations)
    return np.all(z <= 0, axis=0)


def dead_fraction(preactivations):
    """Fraction of dead units (see :func:`dead_units`): one layer, or each layer of a list.

    - one layer, an array-like of shape ``(n_samples, n_units)``: a Python ``float`` in [0, 1];
    - a list or tuple of layers (each item 2-D, e.g. ``MLP.preactivations(X)``): an ``ndarray``
      of shape ``(n_layers,)`` with one fraction per layer, in order. Per-layer fractions are
      returned rather than one overall number because where units die matters; the fraction of
      all hidden units is ``sum(f * n) / sum(n)`` with ``n`` the layer widths (the mean of the
      fractions when all layers have the same width).

    A list counts as a list of layers when its first item is 2-D; a single layer's rows are 1-D,
    so a nested list of numbers is one layer. Errors are those of :func:`dead_units`, naming the
    layer.

    >>> dead_fraction([[1.0, -2.0], [-1.0, -0.5]])
    0.5
    >>> dead_fraction([np.array([[1.0, -2.0]]), np.array([[-1.0, -3.0, 2.0]])]).tolist()
    [0.5, 0.6666666666666666]
    """
    if isinstance(preactivations, list | tuple) and preactivations:
        first = preactivations[0]
        if np.ndim(first) == 2:
            return np.array([
                float(np.mean(np.all(_layer(z, f"layer {k}") <= 0, axis=0)))
                for k, z in enumerate(preactivations)
            ])
    return float(np.mean(dead_units(preactivations)))


def born_dead_exact(width, depth) -> float:
    """Probability that a fresh ReLU net is dead at one input x != 0.

        P = 1 - (1 - 2**-width)**depth

    The net has a 1-D input, depth hidden ReLU layers of width units, zero
    biases, and independent weights from a distribution that is symmetric
    about 0 and continuous (He normal included). A layer whose input is not
    all-zero is itself all-zero with probability 2**-width (each unit is off
    with probability 1/2, independently), and an all-zero layer makes every
    later layer all-zero. expm1 and log1p keep the relative accuracy of
    small probabilities. width and depth are ints >= 1.

    >>> born_dead_exact(1, 1), born_dead_exact(2, 2)
    (0.5, 0.4375)
    """
    width = count_parameter(width, "width", minimum=1)
    depth = count_parameter(depth, "depth", minimum=1)
    return -math.expm1(depth * math.log1p(-(2.0**-width)))


def born_dead_rate(width, depth, trials=10_000, seed=0, *,
                   interval=False) -> float:
    """Monte Carlo estimate of the probability that a fresh ReLU net is dead.

    Simulates `trials` networks initialised like
    MLP([1] + [width] * depth + [1]): He normal weights with variance
    2 / fan_in, zero biases. All networks are propagated at once with
    batched matrix products, so thousands of nets take seconds.

    - interval=False: the fraction of networks dead at the input x = 1
      (some hidden layer all-zero, so the output is exactly 0). With zero
      biases the net is positively homogeneous, so this is also the event
      "dead at every x > 0". Compare with born_dead_exact.
    - interval=True: the stricter event "constant on the whole interval
      [-1, 1]". Since f(x) = x f(1) for x > 0, f(x) = |x| f(-1) for x < 0
      and f(0) = 0, the net is constant on [-1, 1] exactly when it is dead
      at both x = 1 and x = -1 (up to an output of 0 from a live layer,
      which has probability 0).

    seed (an int, or None for fresh entropy) feeds np.random.SeedSequence,
    split into one stream per batch of nets. Both events use the same
    networks for the same seed, so the interval=True estimate is never
    larger than the interval=False one. The standard error of the returned
    fraction p is sqrt(p * (1 - p) / trials). width, depth and trials are
    ints >= 1 (TypeError for other types, ValueError below 1).

    >>> round(born_dead_rate(1, 1, trials=4000, seed=0), 1)
    0.5
    """
    width = count_parameter(width, "width", minimum=1)
    depth = count_parameter(depth, "depth", minimum=1)
    trials = count_parameter(trials, "trials", minimum=1)
    x = np.array([1.0, -1.0]) if interval else np.array([1.0])
    # One generator per batch of nets: stopping a batch early never shifts
    # another batch's draws.
    n_batches = -(-trials // _CHUNK)
    streams = np.random.SeedSequence(seed).spawn(n_batches)
    dead = 0
    for k, stream in enumerate(streams):
        rng = np.random.default_rng(stream)
        n = min(_CHUNK, trials - k * _CHUNK)
        # The n networks at once: h has shape (nets, inputs x, width units),
        # the weights (nets, fan_in, width), drawn layer by layer as the
        # forward pass reaches them.
        def he_weights(rng=rng, n=n):
            yield rng.standard_normal((n, 1, width)) * math.sqrt(2.0)
            scale = math.sqrt(2.0 / width)
            for _ in range(depth - 1):
                yield rng.standard_normal((n, width, width)) * scale

        for _, h in hidden_layers(x[None, :, None], he_weights(), repeat(0.0),
                                  ACTIVATIONS["relu"]):
            if not h.any():  # every net of the batch is dead: zeros stay zeros
                break
        # A net is dead at x when its last hidden layer is all-zero there.
        dead += int(np.count_nonzero(~h.any(axis=(1, 2))))
    return dead / trials


# Networks simulated per batch: bounds memory at about _CHUNK * width**2 floats per layer.
_CHUNK = 4096
