r"""A small fully connected network in NumPy, written to be read.

Layer :math:`\ell` computes :math:`z_\ell = a_{\ell-1} W_\ell + b_\ell` and
:math:`a_\ell = \sigma(z_\ell)` with :math:`a_0 = X`; the last layer is linear.
The loss is the mean squared error (``loss="mse"``) or the softmax cross-entropy
of the last layer's outputs read as class scores (``loss="cross_entropy"``).
The backward pass is written out by hand, one line per rule of the chain rule.
:func:`fit_together` trains several networks of one shape side by side: the same
lines run on their parameters stacked along a first axis, which is why they name
the last two axes (``.mT``, ``axis=-2``) where a single network has only two.

>>> import numpy as np
>>> net = MLP([2, 8, 1], seed=0)
>>> net.forward(np.zeros((3, 2))).shape
(3, 1)
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._inputs import as_real_array, count_parameter, finite_array, real_parameter, samples
from .activations import ACTIVATIONS

__all__ = ["MLP", "INITS", "LOSSES", "Grads", "Histories", "fit_together", "hidden_layers"]

# Name -> standard deviation of N(0, std^2) for a (fan_in, fan_out) weight matrix.
INITS = {
    "he": lambda fan_in, fan_out: np.sqrt(2.0 / fan_in),
    "glorot": lambda fan_in, fan_out: np.sqrt(2.0 / (fan_in + fan_out)),
    "lecun": lambda fan_in, fan_out: np.sqrt(1.0 / fan_in),
}
LOSSES = ("mse", "cross_entropy")


class Grads(NamedTuple):
    """Gradients of the loss, one array per parameter array, in ``MLP.parameters()`` order.

    ``weights[i]`` and ``biases[i]`` belong to layer ``i``; ``learnable[i]`` to the
    learnable activation parameter of hidden layer ``i`` (empty unless the
    activation has one, like PReLU's slope).
    """

    weights: list
    biases: list
    learnable: list

    def flatten(self) -> list:
        """Every gradient in one flat list, in the order of ``MLP.parameters()``."""
        return [*self.weights, *self.biases, *self.learnable]


def hidden_layers(X, weights, biases, activation, learnable=None):
    """The forward pass through hidden layers: yield ``(z, a)`` for each, in order.

    ``z = a_prev @ W + b`` is the layer's pre-activation and ``a = activation(z)`` its
    output, with ``a_prev = X`` for the first layer. ``weights`` and ``biases`` hold the
    hidden layers only (the output layer has no activation); ``activation`` is an
    :class:`~rectifiers.Activation`; ``learnable`` lists one value per layer of its
    learnable parameter (PReLU's slopes), or is ``None`` for the record's default. A
    generator, so that a caller may stop early and ``weights`` may be drawn lazily, and
    so that :class:`MLP`, :mod:`rectifiers.regions` and :mod:`rectifiers.diagnostics`
    share one forward pass. Nothing is checked here: the public callers check at their door.

    >>> from rectifiers import ACTIVATIONS
    >>> [(z.tolist(), a.tolist()) for z, a in hidden_layers(
    ...     np.array([[1.0]]), [np.array([[2.0, -3.0]])], [np.zeros(2)], ACTIVATIONS["relu"])]
    [([[2.0, -3.0]], [[2.0, 0.0]])]
    """
    spec = activation.learnable
    a = X
    # strict=False: weights may be a generator that stops early, biases an endless repeat.
    for layer, (W, b) in enumerate(zip(weights, biases, strict=False)):
        z = a @ W + b
        if spec is not None and learnable is not None:
            a = activation(z, **{spec.name: learnable[layer]})
        else:
            a = activation(z)
        yield z, a


def _softmax(z):
    """Row-wise softmax, shifted by the row maximum so that ``exp`` never overflows."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class MLP:
    r"""Multilayer perceptron: hidden layers use ``activation``, the output layer is linear.

    ``layer_sizes`` lists the widths from input to output, e.g. ``[1, 16, 16, 1]``.
    ``activation`` is a name in :data:`rectifiers.ACTIVATIONS` or an
    :class:`~rectifiers.Activation` record, which also brings the derivative and
    any learnable parameter (PReLU's slope: one per hidden unit, in ``learnable``).
    ``weights[i]`` has shape ``(fan_in, fan_out)`` and ``biases[i]`` shape
    ``(fan_out,)``, all float64. ``init="he"`` draws weights from
    :math:`N(0, 2/\text{fan\_in})` with ``np.random.default_rng(seed)``; the biases
    start at zero (a separate, common convention). Other inits: ``"glorot"``
    (:math:`2/(\text{fan\_in}+\text{fan\_out})`), ``"lecun"`` (:math:`1/\text{fan\_in}`).

    ``loss="mse"``: targets ``y`` of shape ``(n, layer_sizes[-1])``, loss
    ``mean((out - y)**2)`` over every element. ``loss="cross_entropy"``: the outputs
    are logits for ``layer_sizes[-1] >= 2`` classes, ``y`` holds integer labels of
    shape ``(n,)``, and the loss is the mean of ``logsumexp(out) - out[label]``.

    Inputs ``X`` have shape ``(n, layer_sizes[0])``. Wrong shapes, empty batches and
    NaN/inf raise ``ValueError`` naming the expected shape; non-real input raises
    ``TypeError``. Arguments are checked once, by the public methods.
    """

    def __init__(self, layer_sizes, activation="relu", seed=0, init="he", loss="mse"):
        if isinstance(layer_sizes, str | bytes) or not hasattr(layer_sizes, "__iter__"):
            raise TypeError(f"layer_sizes must be a list of ints, got {layer_sizes!r}")
        sizes = list(layer_sizes)
        if len(sizes) < 2 or not all(
            isinstance(s, int | np.integer) and not isinstance(s, bool) and s >= 1 for s in sizes
        ):
            raise ValueError(
                f"layer_sizes must list at least two positive ints, e.g. [1, 16, 1], got {sizes}"
            )
        if not isinstance(init, str) or init not in INITS:
            raise ValueError(f"unknown init {init!r}; known: {', '.join(sorted(INITS))}")
        if not isinstance(loss, str) or loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; known: {', '.join(LOSSES)}")
        if loss == "cross_entropy" and sizes[-1] < 2:
            raise ValueError("loss='cross_entropy' needs at least 2 outputs (one per class), "
                             f"got layer_sizes[-1] = {sizes[-1]}")
        record = ACTIVATIONS.resolve(activation)
        count_parameter(seed, "seed", minimum=0)
        self.layer_sizes = tuple(int(s) for s in sizes)
        self.activation, self.init, self.seed, self.loss_name = record, init, seed, loss
        rng = np.random.default_rng(seed)
        pairs = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=True))
        self.weights = [rng.normal(0.0, INITS[init](i, o), size=(i, o)) for i, o in pairs]
        self.biases = [np.zeros(o) for _, o in pairs]
        # A learnable activation parameter: one value per hidden unit (PReLU's "channel-wise").
        spec = record.learnable
        self.learnable = [np.full(o, spec.init, dtype=np.float64) for _, o in pairs[:-1]] \
            if spec is not None else []

    def __repr__(self) -> str:
        return (f"MLP({list(self.layer_sizes)}, activation={self.activation.name!r}, "
                f"init={self.init!r}, loss={self.loss_name!r})")

    def parameters(self) -> list[np.ndarray]:
        """Every parameter array, in one flat list: weights, biases, then learnable ones.

        The arrays are the network's own (not copies): changing one changes the net.
        ``Grads`` lists gradients in the same order.
        """
        return [*self.weights, *self.biases, *self.learnable]

    # --- the derivatives of hidden layer ``layer``'s activation --------------------------
    def _extra(self, layer: int) -> dict:
        spec = self.activation.learnable
        return {spec.name: self.learnable[layer]} if spec is not None else {}

    def _act_grad(self, layer: int, z: np.ndarray) -> np.ndarray:
        return self.activation.derivative(z, **self._extra(layer))

    # --- checks at the door -------------------------------------------------------------
    def _check_X(self, X) -> np.ndarray:
        return samples(X, self.layer_sizes[0])

    def _check_y(self, y, n: int) -> np.ndarray:
        if self.loss_name == "cross_entropy":
            return self._check_labels(y, n)
        return finite_array(y, "y", (n, self.layer_sizes[-1]))

    def _check_labels(self, y, n: int) -> np.ndarray:
        y = as_real_array(y, "y")
        k = self.layer_sizes[-1]
        if y.dtype.kind not in "iu":
            raise TypeError(f"y must hold integer class labels 0..{k - 1}, got dtype {y.dtype}")
        if y.shape != (n,):
            raise ValueError(f"y (class labels) has shape {y.shape}, expected ({n},)")
        if y.size and (y.min() < 0 or y.max() >= k):
            raise ValueError(f"y (class labels) must lie in 0..{k - 1}, "
                             f"found {int(y.min())}..{int(y.max())}")
        return y.astype(np.intp, copy=False)

    # --- forward ------------------------------------------------------------------------
    def _forward(self, X):
        """Output, hidden pre-activations ``zs`` and layer inputs ``inputs`` (``inputs[0] = X``)."""
        zs, inputs = [], [X]
        for z, a in hidden_layers(X, self.weights[:-1], self.biases[:-1], self.activation,
                                  self.learnable):
            zs.append(z)
            inputs.append(a)
        return inputs[-1] @ self.weights[-1] + self.biases[-1], zs, inputs

    def forward(self, X) -> np.ndarray:
        """The network's output, shape ``(n, layer_sizes[-1])``, for ``X`` of shape ``(n, d)``."""
        return self._forward(self._check_X(X))[0]

    def preactivations(self, X) -> list[np.ndarray]:
        """Hidden layers' pre-activations ``z = a W + b``, one ``(n, width)`` array per layer.

        A ReLU unit is inactive on a sample where its ``z <= 0``, and dead on a data
        set where that holds for every sample.
        """
        return self._forward(self._check_X(X))[1]

    def activations(self, X) -> list[np.ndarray]:
        """Hidden layers' outputs ``a = f(z)``, one ``(n, width)`` array per layer."""
        return self._forward(self._check_X(X))[2][1:]

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, the softmax of the outputs (``loss="cross_entropy"`` only)."""
        self._need_classes("predict_proba")
        return _softmax(self.forward(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class label per sample (``loss="cross_entropy"`` only)."""
        self._need_classes("predict")
        return np.argmax(self.forward(X), axis=1)

    def accuracy(self, X, y) -> float:
        """Fraction of samples whose predicted label equals ``y`` (``loss="cross_entropy"``)."""
        self._need_classes("accuracy")
        X = self._check_X(X)
        y = self._check_labels(y, X.shape[0])
        return float(np.mean(np.argmax(self._forward(X)[0], axis=1) == y))

    def _need_classes(self, what: str) -> None:
        if self.loss_name != "cross_entropy":
            raise ValueError(f"{what} needs loss='cross_entropy'; this net has loss="
                             f"{self.loss_name!r} (use forward for its outputs)")

    # --- loss and gradients -------------------------------------------------------------
    def loss(self, X, y) -> float:
        """The loss on ``(X, y)``: mean squared error, or mean softmax cross-entropy."""
        X = self._check_X(X)
        return float(self._loss_value(self._forward(X)[0], self._check_y(y, X.shape[0])))

    def _loss_value(self, out, y):
        return self._loss_and_output_grad(out, y)[0]

    def _loss_and_output_grad(self, out, y):
        """The loss and dL/d(out), with one sample's outputs in each row."""
        if self.loss_name == "mse":
            diff = out - y
            n_entries = diff.shape[-2] * diff.shape[-1]
            return np.mean(diff**2, axis=(-2, -1)), 2.0 * diff / n_entries
        # Cross-entropy from logits, stably (log-sum-exp):
        # log p_label = z_label - logsumexp(z), z shifted by its row maximum.
        shifted = out - out.max(axis=-1, keepdims=True)
        log_norm = np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        # Each row's true class, as a column of indices into the last axis.
        label = np.broadcast_to(y, out.shape[:-1])[..., None]
        true_score = np.take_along_axis(shifted, label, axis=-1)
        loss = np.mean(log_norm - true_score, axis=(-2, -1))
        g = np.exp(shifted - log_norm)  # softmax
        minus_one = np.take_along_axis(g, label, axis=-1) - 1.0
        np.put_along_axis(g, label, minus_one, axis=-1)  # p_k - [k = y]
        return loss, g / out.shape[-2]

    def loss_and_grads(self, X, y):
        """``(loss, grads)``: the loss and its gradient for every parameter, as :class:`Grads`.

        The backward pass runs the chain rule from the output down: with
        ``g = dL/dz`` for a layer, ``dW = a_in.T @ g``, ``db = g.sum(0)``, and the
        layer below gets ``g = (g @ W.T) * f'(z)``. (The code writes ``.mT``, the
        transpose of the last two axes, and ``axis=-2``, the samples: for one network
        they are ``.T`` and ``axis=0``; see :func:`fit_together`.) A learnable activation parameter
        gets ``(g @ W.T) * df/dparam(z)`` summed over the samples, one per unit.
        """
        X = self._check_X(X)
        loss, grads = self._loss_and_grads(X, self._check_y(y, X.shape[0]))
        return float(loss), grads

    def _loss_and_grads(self, X, y):
        out, zs, inputs = self._forward(X)
        loss, g = self._loss_and_output_grad(out, y)
        n_layers = len(self.weights)
        dWs, dbs = [None] * n_layers, [None] * n_layers
        dlearn = [None] * len(self.learnable)
        spec = self.activation.learnable
        for layer in reversed(range(n_layers)):
            dWs[layer] = inputs[layer].mT @ g
            dbs[layer] = g.sum(axis=-2)  # column sums (over the samples)
            if layer > 0:
                # Through the weights, then the activation of the layer below.
                g_a = g @ self.weights[layer].mT
                z = zs[layer - 1]
                if spec is not None:
                    extra = self._extra(layer - 1)
                    da_dparam = spec.gradient(z, **extra)
                    dlearn[layer - 1] = (g_a * da_dparam).sum(axis=-2)
                g = g_a * self._act_grad(layer - 1, z)
        return loss, Grads(dWs, dbs, dlearn)

    def step(self, grads, lr) -> None:
        """One plain gradient-descent step in place: ``p -= lr * dp`` for every parameter.

        ``grads`` is a :class:`Grads` (or a 3-tuple of lists in the same order). Every
        gradient's shape and dtype is checked before any parameter changes.
        """
        lr = real_parameter(lr, "lr", positive=True)
        params = self.parameters()
        if not isinstance(grads, tuple) or len(grads) != 3:
            raise TypeError("grads must be Grads(weights, biases, learnable), as returned by "
                            f"loss_and_grads, got {type(grads).__name__}")
        flat = []
        for field_name, got, expected in zip(Grads._fields, grads, (
                self.weights, self.biases, self.learnable), strict=True):
            if not isinstance(got, list | tuple) or len(got) != len(expected):
                n = len(got) if isinstance(got, list | tuple) else type(got).__name__
                raise ValueError(f"grads.{field_name} must list {len(expected)} arrays, got {n}")
            flat.extend(got)
        for i, (p, d) in enumerate(zip(params, flat, strict=True)):
            if not isinstance(d, np.ndarray) or d.dtype.kind not in "fiu":
                what = d.dtype if isinstance(d, np.ndarray) else type(d).__name__
                raise TypeError(f"gradient {i} must be a real ndarray, got {what}")
            if d.shape != p.shape:
                raise ValueError(f"gradient {i} has shape {d.shape}, expected {p.shape}")
        self._step(flat, lr)

    def _step(self, flat_grads, lr) -> None:
        # reshape: a stack keeps biases as (nets, 1, width), their gradients are (nets, width).
        for p, d in zip(self.parameters(), flat_grads, strict=True):
            p -= lr * d.reshape(p.shape)

    def fit(self, X, y, epochs, lr, batch_size=None, seed=0, callback=None) -> list[float]:
        """Train with (minibatch) gradient descent; return the loss on ``(X, y)`` after each epoch.

        ``batch_size=None`` uses the whole data set per step; otherwise each epoch
        visits the samples once in an order shuffled by ``np.random.default_rng(seed)``
        (the last batch may be smaller). After each epoch ``callback(net, epoch, loss)``
        is called, with ``epoch`` counting from 1. Same ``seed`` (here and in the
        constructor), same run, bit for bit. When the loss stops being finite,
        ``fit`` raises ``FloatingPointError`` naming the epoch and the learning rate.
        """
        X = self._check_X(X)
        y = self._check_y(y, X.shape[0])
        epochs = count_parameter(epochs, "epochs", minimum=0)
        lr = real_parameter(lr, "lr", positive=True)
        if batch_size is not None:
            batch_size = count_parameter(batch_size, "batch_size", minimum=1)
        count_parameter(seed, "seed", minimum=0)
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")
        # The loop of fit_together, for one net; its callbacks also say which net.
        each = None if callback is None else (
            lambda k, net, epoch, loss: callback(net, epoch, loss))
        run = _train([self], X, y, epochs, [lr], batch_size, [seed], each)
        if run.diverged[0]:
            epoch = int(np.flatnonzero(~np.isfinite(run.loss[0]))[0]) + 1
            raise FloatingPointError(
                f"training diverged: the loss is {run.loss[0, epoch - 1]} after epoch {epoch} "
                f"with lr={lr}; try a smaller learning rate")
        return run.loss[0].tolist()


class Histories(NamedTuple):
    """What :func:`fit_together` returns: one row per network, one column per epoch.

    ``loss[k, e - 1]`` is network ``k``'s loss on ``(X, y)`` after epoch ``e``; from the
    epoch where it stopped being finite on, the row holds that value and then NaN.
    ``diverged[k]`` says whether it did.
    """

    loss: np.ndarray
    diverged: np.ndarray


def fit_together(nets, X, y, epochs, lr, batch_size=None, seeds=0, callback=None) -> Histories:
    """Train several networks of one shape side by side; each takes the steps ``fit`` would.

    ``nets[k]`` is trained as ``nets[k].fit(X, y, epochs, lr[k], batch_size, seed=seeds[k])``
    would train it, but all of them at once: their parameters are stacked along a first
    axis and every step is one batched array operation, which costs little more than a
    step of one small network. ``lr`` and ``seeds`` are one value for all or one per
    network. The networks must be distinct :class:`MLP` objects with the same layer
    sizes, activation record and loss. After each epoch ``callback(k, net, epoch, loss)``
    is called for every network ``k`` still training. A network whose loss stops being
    finite is not stopped with an error, as ``fit`` stops it: its row of
    :class:`Histories` says so, and it keeps the parameters it had at the end of that
    epoch. Training ends early when every network has diverged.

    While training, the networks' parameter arrays are views into the stack (so a
    callback sees the current values); afterwards each network has its own arrays back,
    holding the trained values. On this book's machines a stacked step computes the same
    bits as the step of each network alone; elsewhere the last bits may differ.

    >>> nets = [MLP([1, 4, 1], seed=s) for s in range(3)]
    >>> X = np.linspace(-1, 1, 8)[:, None]
    >>> run = fit_together(nets, X, np.abs(X), epochs=5, lr=[0.01, 0.05, 0.1])
    >>> run.loss.shape, run.diverged.tolist()
    ((3, 5), [False, False, False])
    """
    if isinstance(nets, MLP) or not isinstance(nets, list | tuple) or not nets:
        raise TypeError("nets must be a non-empty list of MLP objects, "
                        f"got {type(nets).__name__}")
    first = nets[0]
    for net in nets:
        if not isinstance(net, MLP):
            raise TypeError(f"nets must hold MLP objects, got {type(net).__name__}")
        if (net.layer_sizes, net.activation, net.loss_name) != (
                first.layer_sizes, first.activation, first.loss_name):
            raise ValueError(f"every net must have the same layer sizes, activation and loss: "
                             f"{net!r} differs from {first!r}")
    if len({id(net) for net in nets}) != len(nets):
        raise ValueError("nets lists the same MLP twice; each must be a distinct object")
    X = first._check_X(X)
    y = first._check_y(y, X.shape[0])
    epochs = count_parameter(epochs, "epochs", minimum=0)
    lrs = [real_parameter(v, "lr", positive=True) for v in _one_per_net(lr, nets, "lr")]
    if batch_size is not None:
        batch_size = count_parameter(batch_size, "batch_size", minimum=1)
    seeds = [count_parameter(s, "seeds", minimum=0) for s in _one_per_net(seeds, nets, "seeds")]
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None, got {type(callback).__name__}")
    return _train(list(nets), X, y, epochs, lrs, batch_size, seeds, callback)


def _one_per_net(value, nets, name: str) -> list:
    """``value`` repeated for every net, or the sequence of one value per net it already is."""
    if isinstance(value, list | tuple | np.ndarray):
        if len(value) != len(nets):
            raise ValueError(f"{name} must be one value or one per net ({len(nets)}), "
                             f"got {len(value)}")
        return list(value)
    return [value] * len(nets)


def _train(nets, X, y, epochs, lrs, batch_size, seeds, callback) -> Histories:
    """The loop of :meth:`MLP.fit` and :func:`fit_together`; the arguments are checked."""
    first, n = nets[0], X.shape[0]
    stack = object.__new__(MLP)  # the nets' arrays stacked: an MLP with a first axis
    stack.__dict__.update(first.__dict__)
    lists = ("weights", "biases", "learnable")
    # Each net's own arrays, given back (with the trained values) at the end.
    owned = [{name: getattr(net, name) for name in lists} for net in nets]
    for name in lists:
        arrays = [np.stack([getattr(net, name)[i] for net in nets])
                  for i in range(len(getattr(first, name)))]
        if name != "weights":  # (nets, 1, width): broadcast over the samples
            arrays = [a[:, None, :] for a in arrays]
        setattr(stack, name, arrays)
        for k, net in enumerate(nets):
            setattr(net, name, [a[k].reshape(own.shape)
                                for a, own in zip(arrays, getattr(net, name), strict=True)])
    lr = np.reshape(np.array(lrs, dtype=np.float64), (len(nets), 1, 1))
    rngs = [np.random.default_rng(seed) for seed in seeds]
    loss = np.full((len(nets), epochs), np.nan)
    training = np.ones(len(nets), dtype=bool)
    ended = {}  # k -> the parameters of net k at the end of the epoch it diverged
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(1, epochs + 1):
                if batch_size is None:
                    batches = [slice(None)]
                else:  # one shuffled order per net: row k is what nets[k].fit would draw
                    order = np.stack([rng.permutation(n) for rng in rngs])
                    batches = [order[:, s:s + batch_size] for s in range(0, n, batch_size)]
                for idx in batches:
                    stack._step(stack._loss_and_grads(X[idx], y[idx])[1].flatten(), lr)
                values = np.reshape(stack._loss_value(stack._forward(X)[0], y), -1)
                for k in np.flatnonzero(training):
                    loss[k, epoch - 1] = values[k]
                    if not math.isfinite(values[k]):
                        training[k] = False
                        ended[k] = [p.copy() for p in nets[k].parameters()]
                    elif callback is not None:
                        callback(int(k), nets[k], epoch, float(values[k]))
                if not training.any():
                    break
    finally:
        for k, net in enumerate(nets):
            trained = ended.get(k) or net.parameters()
            for name in lists:
                setattr(net, name, owned[k][name])
            for own, value in zip(net.parameters(), trained, strict=True):
                own[...] = value
    return Histories(loss, ~training)
