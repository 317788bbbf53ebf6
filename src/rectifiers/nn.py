r"""A small fully connected network in NumPy, written to be read (chapters 3-5).

Layer :math:`\ell` computes :math:`z_\ell = a_{\ell-1} W_\ell + b_\ell` and
:math:`a_\ell = \sigma(z_\ell)` with :math:`a_0 = X`; the last layer is linear.
The loss is the mean squared error over every element, and the backward pass is
written out by hand, one line per rule of the chain rule.

>>> import numpy as np
>>> net = MLP([2, 8, 1], seed=0)
>>> net.forward(np.zeros((3, 2))).shape
(3, 1)
"""

from __future__ import annotations

import numpy as np

from . import activations
from ._inputs import as_real_array, real_parameter

__all__ = ["MLP", "INITS"]

# Name -> standard deviation of N(0, std^2) for a (fan_in, fan_out) weight matrix.
INITS = {
    "he": lambda fan_in, fan_out: np.sqrt(2.0 / fan_in),
    "glorot": lambda fan_in, fan_out: np.sqrt(2.0 / (fan_in + fan_out)),
    "lecun": lambda fan_in, fan_out: np.sqrt(1.0 / fan_in),
}


class MLP:
    r"""Multilayer perceptron: hidden layers use ``activation``, the output layer is linear.

    ``layer_sizes`` lists the widths from input to output, e.g. ``[1, 16, 16, 1]``.
    ``activation`` names an entry of :data:`rectifiers.activations.ACTIVATIONS`
    (name -> ``(f, f_grad)``), so the derivative comes from the package.
    ``weights[i]`` has shape ``(fan_in, fan_out)`` and ``biases[i]`` shape
    ``(fan_out,)``, all float64. ``init="he"`` draws weights from
    :math:`N(0, 2/\text{fan\_in})` with ``np.random.default_rng(seed)``; biases
    start at zero. Other inits: ``"glorot"`` (:math:`2/(\text{fan\_in}+\text{fan\_out})`),
    ``"lecun"`` (:math:`1/\text{fan\_in}`).

    ``activation="prelu"`` (He et al. 2015) gives every hidden unit its own learnable
    negative slope, ``slopes[i]`` of shape ``(fan_out,)``, initialised to 0.25; for it,
    ``loss_and_grads`` returns ``(loss, (dWs, dbs, dslopes))`` and ``step`` updates the
    slopes too. For every other activation ``slopes`` is empty and grads are ``(dWs, dbs)``.

    Inputs ``X`` have shape ``(n, layer_sizes[0])`` and targets ``y`` shape
    ``(n, layer_sizes[-1])``; other shapes, empty batches and NaN/inf raise
    ``ValueError`` naming the expected shape. Non-real input raises ``TypeError``.
    """

    def __init__(self, layer_sizes, activation="relu", seed=0, init="he"):
        sizes = list(layer_sizes)
        if len(sizes) < 2 or not all(
            isinstance(s, int | np.integer) and not isinstance(s, bool) and s >= 1 for s in sizes
        ):
            raise ValueError(
                f"layer_sizes must list at least two positive ints, e.g. [1, 16, 1], got {sizes}"
            )
        if init not in INITS:
            raise ValueError(f"unknown init {init!r}; known: {', '.join(sorted(INITS))}")
        if activation not in activations.ACTIVATIONS:
            known = ", ".join(sorted(activations.ACTIVATIONS))
            raise ValueError(f"unknown activation {activation!r}; known: {known}")
        self.layer_sizes = tuple(int(s) for s in sizes)
        self.activation, self.init, self.seed = activation, init, seed
        self._f, self._f_grad = activations.ACTIVATIONS[activation]
        rng = np.random.default_rng(seed)
        pairs = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True))
        self.weights = [rng.normal(0.0, INITS[init](i, o), size=(i, o)) for i, o in pairs]
        self.biases = [np.zeros(o) for _, o in pairs]
        # PReLU's learnable slope: one per hidden unit ("channel-wise" in He et al. 2015).
        learned = activation == "prelu"
        self.slopes = [np.full(o, activations.PRELU_INIT) for _, o in pairs[:-1]] if learned else []

    def __repr__(self) -> str:
        return f"MLP({list(self.layer_sizes)}, activation={self.activation!r}, init={self.init!r})"

    # The activation and its derivative live here only, so a new kind of activation
    # (e.g. one with a learnable slope) changes these two methods and nothing else.
    def _act(self, layer: int, z: np.ndarray) -> np.ndarray:
        return self._f(z, self.slopes[layer]) if self.slopes else self._f(z)

    def _act_grad(self, layer: int, z: np.ndarray) -> np.ndarray:
        return self._f_grad(z, self.slopes[layer]) if self.slopes else self._f_grad(z)

    def _check_X(self, X) -> np.ndarray:
        X = as_real_array(X, "X")
        d = self.layer_sizes[0]
        if X.ndim != 2 or X.shape[1] != d or X.shape[0] == 0:
            raise ValueError(f"X has shape {X.shape}, expected (n, {d}) with n >= 1")
        if not np.all(np.isfinite(X)):
            raise ValueError(f"X of shape (n, {d}) must be finite, found NaN or inf")
        return X.astype(np.float64, copy=False)

    def _check_y(self, y, n: int) -> np.ndarray:
        y = as_real_array(y, "y")
        shape = (n, self.layer_sizes[-1])
        if y.shape != shape:
            raise ValueError(f"y has shape {y.shape}, expected {shape}")
        if not np.all(np.isfinite(y)):
            raise ValueError(f"y of shape {shape} must be finite, found NaN or inf")
        return y.astype(np.float64, copy=False)

    def _forward(self, X):
        """Output, hidden pre-activations ``zs`` and layer inputs ``inputs`` (``inputs[0] = X``)."""
        a, zs, inputs = X, [], []
        last = len(self.weights) - 1
        for layer, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            inputs.append(a)
            z = a @ W + b
            if layer == last:
                return z, zs, inputs
            zs.append(z)
            a = self._act(layer, z)

    def forward(self, X) -> np.ndarray:
        """The network's output, shape ``(n, layer_sizes[-1])``, for ``X`` of shape ``(n, d)``."""
        return self._forward(self._check_X(X))[0]

    def preactivations(self, X) -> list[np.ndarray]:
        """Hidden layers' pre-activations ``z = a W + b``, one ``(n, width)`` array per layer.

        A ReLU unit is inactive on a sample where its ``z <= 0``, and dead on a data
        set where that holds for every sample (chapter 4).
        """
        return self._forward(self._check_X(X))[1]

    def loss(self, X, y) -> float:
        """Mean squared error ``mean((forward(X) - y) ** 2)`` over every element."""
        X = self._check_X(X)
        diff = self._forward(X)[0] - self._check_y(y, X.shape[0])
        return float(np.mean(diff**2))

    def loss_and_grads(self, X, y):
        """``(loss, (dWs, dbs))``: the loss and its gradient for every weight and bias.

        With ``activation="prelu"`` it is ``(loss, (dWs, dbs, dslopes))``: ``dslopes[i]``
        sums ``dL/da * min(0, z)`` over the samples, one entry per unit.

        The backward pass runs the chain rule from the output down: with
        ``g = dL/dz`` for a layer, ``dW = a_in.T @ g``, ``db = g.sum(0)``, and the
        layer below gets ``g = (g @ W.T) * f'(z)``.
        """
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        out, zs, inputs = self._forward(X)
        diff = out - y
        loss = float(np.mean(diff**2))
        g = 2.0 * diff / diff.size  # dL/d(out) for the mean over every element
        dWs, dbs = [None] * len(self.weights), [None] * len(self.biases)
        dslopes = [None] * len(self.slopes)
        for layer in reversed(range(len(self.weights))):
            dWs[layer] = inputs[layer].T @ g
            dbs[layer] = g.sum(axis=0)
            if layer > 0:
                # Through the weights, then through the activation of the layer below.
                g_a = g @ self.weights[layer].T
                if self.slopes:  # PReLU: d a / d slope = min(0, z), summed over samples
                    z = zs[layer - 1]
                    dslopes[layer - 1] = (g_a * activations.prelu_slope_grad(z)).sum(axis=0)
                g = g_a * self._act_grad(layer - 1, zs[layer - 1])
        return loss, ((dWs, dbs, dslopes) if self.slopes else (dWs, dbs))

    def step(self, grads, lr) -> None:
        """One plain gradient-descent step in place: ``W -= lr * dW``, ``b -= lr * db``.

        For ``activation="prelu"``, ``grads`` is ``(dWs, dbs, dslopes)`` and the slopes
        take the same step.
        """
        lr = real_parameter(lr, "lr")
        if len(grads) != (3 if self.slopes else 2):
            expected = "(dWs, dbs, dslopes)" if self.slopes else "(dWs, dbs)"
            raise ValueError(f"grads must be {expected}, got {len(grads)} lists")
        pairs = list(zip((self.weights, self.biases, self.slopes), grads, strict=False))
        for params, deltas in pairs:
            if len(deltas) != len(params):
                raise ValueError(f"grads hold {len(deltas)} arrays, expected {len(params)}")
            for p, d in zip(params, deltas, strict=True):
                if np.shape(d) != p.shape:
                    raise ValueError(f"a gradient has shape {np.shape(d)}, expected {p.shape}")
                p -= lr * d

    def fit(self, X, y, epochs, lr, batch_size=None, seed=0, callback=None) -> list[float]:
        """Train with (minibatch) gradient descent; return the loss on ``(X, y)`` after each epoch.

        ``batch_size=None`` uses the whole data set per step; otherwise each epoch
        visits the samples once in an order shuffled by ``np.random.default_rng(seed)``
        (the last batch may be smaller). After each epoch ``callback(net, epoch, loss)``
        is called, with ``epoch`` counting from 1: use it to record anything per
        epoch, e.g. ``lambda net, epoch, loss: log.append(net.preactivations(X))``.
        Same ``seed`` (here and in the constructor), same run, bit for bit.
        """
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        if not isinstance(epochs, int | np.integer) or isinstance(epochs, bool) or epochs < 0:
            raise ValueError(f"epochs must be an int >= 0, got {epochs!r}")
        n = X.shape[0]
        if batch_size is not None and (
            not isinstance(batch_size, int | np.integer) or isinstance(batch_size, bool)
            or batch_size < 1
        ):
            raise ValueError(f"batch_size must be None or an int >= 1, got {batch_size!r}")
        rng = np.random.default_rng(seed)
        history = []
        for epoch in range(1, epochs + 1):
            if batch_size is None:
                self.step(self.loss_and_grads(X, y)[1], lr)
            else:
                order = rng.permutation(n)
                for start in range(0, n, batch_size):
                    idx = order[start:start + batch_size]
                    self.step(self.loss_and_grads(X[idx], y[idx])[1], lr)
            history.append(self.loss(X, y))
            if callback is not None:
                callback(self, epoch, history[-1])
        return history
