"""Experiment A of chapter 4, "training kills units", kept here so chapter 5 can re-run it.

One small regression problem, one network shape, a few learning rates and seeds: train
:class:`rectifiers.nn.MLP` with minibatch SGD and record, after every epoch, the loss and the
fraction of dead units in each hidden layer (:func:`rectifiers.diagnostics.dead_fraction`). The
same call with ``activation="leaky_relu"`` gives chapter 5's comparison on identical data,
initial weights and minibatch order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rectifiers import MLP, count_parameter, dead_fraction, fit_together, real_parameter

from .claims import seed as shifted

__all__ = ["EXPERIMENT_A", "TrainingRecord", "toy_regression", "train_and_track", "experiment_a"]

# The settings of chapter 4's experiment A; chapter 5 uses the same ones.
EXPERIMENT_A = {
    "layer_sizes": (2, 32, 32, 32, 1),
    "learning_rates": (0.01, 0.03, 0.1, 0.25),
    # Ten seeds: at lr 0.25 about a third of the runs diverge, and five seeds
    # were too few to show it (the chapters report "k of n" and the spread).
    "seeds": tuple(range(10)),
    "epochs": 40,
    "batch_size": 16,
    "n_samples": 256,
    "data_seed": 0,
}


def toy_regression(n_samples=256, seed=0):
    r"""``(X, y)``: ``X`` uniform on :math:`[-1, 1]^2`, :math:`y = \sin(\pi x_1)\cos(\pi x_2)`.

    Shapes ``(n_samples, 2)`` and ``(n_samples, 1)``, float64, no noise; ``seed`` fixes ``X``.

    >>> X, y = toy_regression(4)
    >>> X.shape, y.shape
    ((4, 2), (4, 1))
    """
    n_samples = count_parameter(n_samples, "n_samples", minimum=1)
    rng = np.random.default_rng(shifted(count_parameter(seed, "seed", minimum=0)))
    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    y = np.sin(np.pi * X[:, :1]) * np.cos(np.pi * X[:, 1:])
    return X, y


@dataclass(frozen=True)
class TrainingRecord:
    """What :func:`train_and_track` measured; row ``e`` is after epoch ``e`` (row 0: at init).

    ``dead``: shape ``(epochs + 1, n_hidden_layers)``, the fraction of dead units per hidden
    layer on the whole training set. ``loss``: shape ``(epochs + 1,)``, the training-set mean
    squared error. ``diverged``: the loss became NaN or inf; from that epoch on both arrays hold
    NaN. ``net``: the trained network.
    """

    dead: np.ndarray
    loss: np.ndarray
    diverged: bool
    net: MLP


def train_and_track(lr, *, activation="relu", seed=0, bias_init=0.0, init="he",
                    layer_sizes=EXPERIMENT_A["layer_sizes"], epochs=EXPERIMENT_A["epochs"],
                    batch_size=EXPERIMENT_A["batch_size"], n_samples=EXPERIMENT_A["n_samples"],
                    data_seed=EXPERIMENT_A["data_seed"]) -> TrainingRecord:
    """Train ``MLP(layer_sizes, activation, seed, init)`` on :func:`toy_regression`; track death.

    Minibatch SGD with learning rate ``lr`` for ``epochs`` epochs (``MLP.fit`` with the same
    ``seed`` for the minibatch order). Every hidden bias starts at ``bias_init`` instead of 0:
    a negative value is the "negative bias shift" that kills units, a small positive one is a
    proposed remedy. The dead fraction of each hidden layer and the loss are measured on the whole
    training set before training and after every epoch. A unit counts as dead when its
    pre-activation is ``<= 0`` on every sample; for Leaky ReLU that means "on the leaky side for
    every sample", where the gradient is small but not 0. A run whose loss stops being finite is
    stopped and marked ``diverged``. Returns a :class:`TrainingRecord`. ``layer_sizes`` must
    start with 2 (the inputs of :func:`toy_regression`) and end with 1; with no hidden layer
    (``(2, 1)``) the ``dead`` array has no columns. Every argument is checked before training:
    the error names the parameter.

    >>> rec = train_and_track(0.01, epochs=2)
    >>> rec.dead.shape, rec.loss.shape, rec.diverged
    ((3, 3), (3,), False)
    """
    return _track([(lr, seed)], activation=activation, bias_init=bias_init, init=init,
                  layer_sizes=layer_sizes, epochs=epochs, batch_size=batch_size,
                  n_samples=n_samples, data_seed=data_seed)[0]


def experiment_a(activation="relu", *, learning_rates=EXPERIMENT_A["learning_rates"],
                 seeds=EXPERIMENT_A["seeds"], **kwargs):
    """Run :func:`train_and_track` for every learning rate and seed; stack the results.

    Returns a dict with ``"learning_rates"`` and ``"seeds"`` (as given), ``"dead"`` of shape
    ``(n_lr, n_seeds, epochs + 1, n_hidden_layers)``, ``"loss"`` of shape
    ``(n_lr, n_seeds, epochs + 1)`` and ``"diverged"`` of shape ``(n_lr, n_seeds)``. Extra
    keyword arguments (``bias_init``, ``epochs``, ...) go to :func:`train_and_track`.
    ``"nets"`` holds the trained networks, ``nets[i][j]`` for learning rate ``i`` and seed ``j``,
    so that a chapter can inspect them without training them again. Every run trains side by
    side with the others (:func:`rectifiers.fit_together`), each taking the steps it would
    take alone.
    """
    learning_rates = _non_empty(learning_rates, "learning_rates")
    seeds = _non_empty(seeds, "seeds")
    records = _track([(lr, s) for lr in learning_rates for s in seeds],
                     activation=activation, **kwargs)
    runs = [records[i * len(seeds):(i + 1) * len(seeds)] for i in range(len(learning_rates))]
    return {
        "learning_rates": tuple(learning_rates),
        "seeds": tuple(seeds),
        "dead": np.array([[r.dead for r in row] for row in runs]),
        "loss": np.array([[r.loss for r in row] for row in runs]),
        "diverged": np.array([[r.diverged for r in row] for row in runs]),
        "nets": [[r.net for r in row] for row in runs],
    }


def _track(runs, *, activation="relu", bias_init=0.0, init="he",
           layer_sizes=EXPERIMENT_A["layer_sizes"], epochs=EXPERIMENT_A["epochs"],
           batch_size=EXPERIMENT_A["batch_size"], n_samples=EXPERIMENT_A["n_samples"],
           data_seed=EXPERIMENT_A["data_seed"]) -> list[TrainingRecord]:
    """One :class:`TrainingRecord` per ``(lr, seed)`` in ``runs``, trained side by side."""
    sizes = _layer_sizes(layer_sizes)
    epochs = count_parameter(epochs, "epochs", minimum=0)
    batch_size = count_parameter(batch_size, "batch_size", minimum=1)
    bias_init = real_parameter(bias_init, "bias_init", allow_negative=True)
    lrs = [real_parameter(lr, "lr", positive=True) for lr, _ in runs]
    seeds = [shifted(count_parameter(s, "seed", minimum=0)) for _, s in runs]
    X, y = toy_regression(n_samples, data_seed)
    nets = [MLP(sizes, activation=activation, seed=s, init=init) for s in seeds]
    for net in nets:
        for b in net.biases[:-1]:
            b[:] = bias_init
    dead = np.full((len(runs), epochs + 1, len(sizes) - 2), np.nan)
    loss = np.full((len(runs), epochs + 1), np.nan)

    def record(k, net, epoch, epoch_loss):
        zs = net.preactivations(X)  # no hidden layer: nothing can die
        dead[k, epoch] = dead_fraction(zs) if zs else np.empty(0)
        loss[k, epoch] = epoch_loss

    for k, net in enumerate(nets):
        record(k, net, 0, net.loss(X, y))
    run = fit_together(nets, X, y, epochs, lrs, batch_size=batch_size, seeds=seeds,
                       callback=record)
    return [TrainingRecord(dead=dead[k], loss=loss[k], diverged=bool(run.diverged[k]),
                           net=net) for k, net in enumerate(nets)]


def _non_empty(values, name: str) -> tuple:
    """A non-empty sequence (list, tuple, array) as a tuple, else an error naming it."""
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a non-empty sequence, got {type(values).__name__}")
    if len(values) == 0:
        raise ValueError(f"{name} is empty: give at least one value")
    return tuple(values)


def _layer_sizes(layer_sizes) -> list:
    """``layer_sizes`` for :func:`toy_regression`'s data: 2 inputs first, 1 output last."""
    sizes = list(_non_empty(layer_sizes, "layer_sizes"))
    if len(sizes) < 2 or sizes[0] != 2 or sizes[-1] != 1:
        raise ValueError("layer_sizes must start with 2 (toy_regression's inputs) and end "
                         f"with 1 (its output), e.g. (2, 32, 1), got {tuple(sizes)}")
    return sizes
