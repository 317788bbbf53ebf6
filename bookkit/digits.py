"""The closing chapter's data and experiments: handwritten digits, several seeds, per layer.

The data are scikit-learn's copy of the UCI handwritten digits (8x8 images, 10 classes),
split once into a stratified training and test set. :func:`train_seeds` trains one
:class:`rectifiers.MLP` per seed with the same settings and records, after every epoch,
what the chapter plots: loss, test accuracy, each layer's gradient norm and each hidden
layer's dead fraction. The measurements are small functions of a network, so the chapter
(and a reader) can apply them to any net: :func:`layer_grad_norms`,
:func:`second_moments` and :func:`zero_fraction`.

scikit-learn is a dependency of the book, not of the library: it is imported only by
:func:`load_digits_split`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from rectifiers import MLP, count_parameter, dead_fraction, fit_together, real_parameter
from rectifiers.nn import INITS

from .claims import seed as shifted

__all__ = [
    "DEEP",
    "Digits",
    "Runs",
    "load_digits_split",
    "make_mlp",
    "layer_grad_norms",
    "second_moments",
    "spread_across_images",
    "zero_fraction",
    "train_seeds",
]

# The chapter's deep, narrow network: 64 pixels in, six hidden layers of 32, ten classes out.
DEEP = (64, 32, 32, 32, 32, 32, 32, 10)


class Digits(NamedTuple):
    """A train/test split of the digits: pixels in [0, 1] (float64), labels 0..9 (int)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def load_digits_split(test_fraction=0.25, seed=0) -> Digits:
    """scikit-learn's 1,797 digits, split per class, pixels scaled to [0, 1].

    Each class puts round(test_fraction * count) of its images, drawn with
    np.random.default_rng(seed), into the test set: a *stratified* split, so
    both sets have the same class proportions. Pixel counts 0..16 are divided
    by 16. Rows of X_train and X_test are flattened 8x8 images (reshape them
    to (-1, 8, 8) to see them); each set keeps the data set's order.

    >>> data = load_digits_split()
    >>> data.X_train.shape, data.X_test.shape
    ((1347, 64), (450, 64))
    """
    from sklearn.datasets import load_digits

    fraction = real_parameter(test_fraction, "test_fraction")
    if not 0.0 < fraction < 1.0:
        raise ValueError("test_fraction must lie strictly between 0 and 1, "
                         f"got {fraction}")
    count_parameter(seed, "seed", minimum=0)
    digits = load_digits()
    X, y = digits.data / 16.0, digits.target.astype(np.intp)
    rng = np.random.default_rng(shifted(seed))
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == label))
        test[members[: round(fraction * len(members))]] = True
    return Digits(X[~test], y[~test], X[test], y[test])


def make_mlp(layer_sizes=DEEP, activation="relu", seed=0, init="he") -> MLP:
    r"""A classifier ``MLP(..., loss="cross_entropy")`` with a named init or a fixed std.

    ``init`` is a name of :data:`rectifiers.nn.INITS` (``"he"``, ``"glorot"``,
    ``"lecun"``) or a positive number, the standard deviation of every weight. With a
    number, the weights are the He weights of the same seed rescaled, so every init
    of one seed shares the same underlying normal draws.

    >>> bool(make_mlp([4, 3, 2], init=0.01).weights[0].std() < 0.02)
    True
    """
    if isinstance(init, str):
        return MLP(layer_sizes, activation=activation, seed=shifted(seed), init=init,
                   loss="cross_entropy")
    std = real_parameter(init, "init")
    if not std > 0:
        raise ValueError(f"init as a number is a standard deviation, must be > 0, got {std}")
    net = MLP(layer_sizes, activation=activation, seed=shifted(seed), init="he",
              loss="cross_entropy")
    for W in net.weights:
        W *= std / INITS["he"](*W.shape)
    net.init = f"std={std:g}"
    return net


def layer_grad_norms(net: MLP, X, y) -> np.ndarray:
    r"""The Frobenius norm :math:`\|\partial L / \partial W_\ell\|` of each weight matrix.

    One entry per layer, input side first (the last entry is the output layer), from
    ``net.loss_and_grads(X, y)``. Shape ``(len(net.weights),)``.
    """
    _, grads = net.loss_and_grads(X, y)
    return np.array([np.linalg.norm(dW) for dW in grads.weights])


def second_moments(net: MLP, X) -> np.ndarray:
    r"""The mean of :math:`a^2` over samples and units, for the input and each hidden layer.

    Entry 0 is the input ``X``; entry ``l`` the output of hidden layer ``l``. Shape
    ``(len(net.weights),)``. This is the quantity an initialisation tries to keep
    constant through depth.
    """
    X = np.asarray(X, dtype=np.float64)
    layers = [X, *net.activations(X)]
    return np.array([np.mean(a**2) for a in layers])


def spread_across_images(net: MLP, X) -> np.ndarray:
    r"""How much each hidden layer's output varies across images, for its size.

    For the output ``a`` of hidden layer ``l`` (images x units): the root mean
    over units of the variance across images, divided by the root mean square
    of ``a``. 0 means every image gives the layer the same output; a layer
    whose outputs do not share a common offset gives about 1. One entry per
    hidden layer.

    >>> net = make_mlp([4, 3, 3, 2], "sigmoid", seed=0)
    >>> bool((spread_across_images(net, np.eye(4)) < 1).all())
    True
    """
    X = np.asarray(X, dtype=np.float64)
    return np.array([np.sqrt(a.var(axis=0).mean() / np.mean(a**2))
                     for a in net.activations(X)])


def zero_fraction(net: MLP, X) -> np.ndarray:
    """Fraction of exact zeros in each hidden layer's output on ``X``: its sparsity.

    One entry per hidden layer. For ReLU an output is 0 exactly when its
    pre-activation is ``<= 0``; smooth activations are almost never exactly 0.
    """
    return np.array([np.mean(a == 0.0) for a in net.activations(X)])


@dataclass(frozen=True)
class Runs:
    """What :func:`train_seeds` measured; axis 0 is the seed, row ``e`` is after epoch ``e``.

    ``loss``: ``(n_seeds, epochs + 1)``, the mean cross-entropy on the training set.
    ``accuracy``: same shape, the test accuracy. ``grad_norms``: ``(n_seeds, epochs + 1,
    n_layers)``, :func:`layer_grad_norms` on the training set. ``dead``: ``(n_seeds,
    epochs + 1, n_hidden)``, ``dead_fraction`` of each hidden layer on the training set.
    ``diverged[s]``: seed ``s`` stopped with a non-finite loss; its later rows are NaN.
    ``nets``: the trained networks, one per seed.
    """

    activation: str
    seeds: tuple
    loss: np.ndarray
    accuracy: np.ndarray
    grad_norms: np.ndarray
    dead: np.ndarray
    diverged: np.ndarray
    nets: list

    def late_accuracy(self, last=3) -> np.ndarray:
        """Per seed, the mean test accuracy of the last ``last`` epochs (NaN if diverged).

        One epoch's accuracy can jump when a step overshoots; the mean of a few epochs
        is a steadier summary of where a run ended.
        """
        last = count_parameter(last, "last", minimum=1)
        return self.accuracy[:, -last:].mean(axis=1)


def train_seeds(activation, data: Digits, seeds=(0, 1, 2), layer_sizes=DEEP, epochs=20,
                lr=0.05, batch_size=32, init="he", per_layer=True) -> Runs:
    """Train one classifier per seed with the same settings; record every epoch.

    Seed ``s`` fixes both the initial weights (``make_mlp(..., seed=s)``) and the
    minibatch order (``net.fit(..., seed=s)``), so two activations trained with the
    same seeds start from the same draws and see the same batches. The seeds train side
    by side (:func:`rectifiers.fit_together`: the same steps, computed as one stack). A
    run whose loss stops being finite is recorded as diverged, with NaN from that epoch
    on. ``per_layer=False`` skips the gradient
    norms and dead fractions (they stay NaN), which saves time; ``per_layer="ends"``
    records them at initialisation and after the last epoch only.
    """
    seeds = tuple(count_parameter(s, "seed", minimum=0) for s in seeds)
    epochs = count_parameter(epochs, "epochs", minimum=0)
    lr = real_parameter(lr, "lr")
    if per_layer not in (True, False, "ends"):
        raise ValueError(f"per_layer must be True, False or 'ends', got {per_layer!r}")
    batch_size = count_parameter(batch_size, "batch_size", minimum=1)
    n_layers = len(layer_sizes) - 1
    shape = (len(seeds), epochs + 1)
    loss, accuracy = np.full(shape, np.nan), np.full(shape, np.nan)
    grad_norms = np.full((*shape, n_layers), np.nan)
    dead = np.full((*shape, n_layers - 1), np.nan)
    X, y = data.X_train, data.y_train
    nets = [make_mlp(layer_sizes, activation, seed=s, init=init) for s in seeds]

    def record(k, net, epoch, value):
        loss[k, epoch] = value
        accuracy[k, epoch] = net.accuracy(data.X_test, data.y_test)
        if not per_layer or (per_layer == "ends" and 0 < epoch < epochs):
            return
        grad_norms[k, epoch] = layer_grad_norms(net, X, y)
        dead[k, epoch] = dead_fraction(net.preactivations(X))

    for k, net in enumerate(nets):
        record(k, net, 0, net.loss(X, y))
    run = fit_together(nets, X, y, epochs, lr, batch_size=batch_size,
                       seeds=[shifted(s) for s in seeds], callback=record)
    name = activation if isinstance(activation, str) else activation.name
    return Runs(name, seeds, loss, accuracy, grad_norms, dead, run.diverged, nets)
