"""The checks of the book's code exercises: one record per exercise, all in this file.

Each :class:`Check` names what the student's answer defines (``names``), holds the book's own
answer (``reference``, the code cell the chapter's solution holds) and wrong answers that it
must fail (``wrong``), and its test cases. A test case is a function in otter-grader's
exception-based format: its parameters are looked up by name in the student's namespace, and
it fails by raising ``AssertionError`` with a message that teaches. ``bookkit.grading.run``
turns the cases into an otter test file and runs them.

Exercises whose answer is an argument or a measurement are graded by hand: ``HAND_GRADED``.
This module imports only NumPy and ``rectifiers``: the Sphinx extension and the student edition
read it for its labels and stubs without loading otter.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Check:
    """The check of one code exercise."""

    label: str
    names: tuple[str, ...]  # what the answer defines; none of them defined: "not attempted"
    task: str  # one sentence for the answer cell of the student notebook
    reference: str  # the book's answer: it must pass every case
    wrong: dict[str, str]  # wrong answers, by what is wrong: each must fail a case
    cases: list[Callable] = field(default_factory=list)

    def case(self, func: Callable) -> Callable:
        """Add a test case (a decorator); its docstring is its name in the feedback."""
        self.cases.append(func)
        return func

    @property
    def chapter(self) -> int:
        """The chapter number of the label, ``ex-ch<N>-...``."""
        return int(self.label.split("-")[1].removeprefix("ch"))


CHECKS: dict[str, Check] = {}


def register(check: Check) -> Check:
    if check.label in CHECKS or check.label in HAND_GRADED:
        raise ValueError(f"{check.label} is registered twice")
    CHECKS[check.label] = check
    return check


# Exercises graded by hand, with what the answer is.
HAND_GRADED = {
    "ex-ch0-one-unit": "a proof of the L + 1 bound (the code only illustrates it)",
    "ex-ch0-half": "an explanation of the exact one half",
    "ex-ch1-predict": "predictions written before running the code",
    "ex-ch1-bool": "one argument for and one against refusing booleans",
    "ex-ch1-census": "an explanation of the finite and the NaN sum",
    "ex-ch2-predict": "predictions written before running the code",
    "ex-ch2-inplace": "a timing on the student's machine and its explanation",
    "ex-ch2-float64": "a prediction and a timing on the student's machine",
    "ex-ch2-where": "a timing on the student's machine and its explanation",
    "ex-ch3-abs": "a subdifferential derived from its definition",
    "ex-ch4-scale": "an argument that only the signs matter",
    "ex-ch5-max": "a proof for s <= 1 and what max(x, s x) is for s > 1",
    "ex-ch5-softplus": "a proof of the bound and the limit of the derivative",
    "ex-ch6-shallow": "training runs and what they say about depth",
}


def _same(a, b) -> bool:
    """Equal as floats, NaN equal to NaN, and the sign of zero compared too."""
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)


def _show(value) -> str:
    return repr(value) if not isinstance(value, np.ndarray) else np.array2string(value)


# --- Chapter 0 ---------------------------------------------------------------------------------
RAMP = register(Check(
    "ex-ch0-ramp", ("ramp", "trapezoid"),
    "define ramp(x) and trapezoid(x) as sums of relu terms, and ramp_units, trapezoid_units "
    "(how many ReLUs each needs)",
    reference="""\
def ramp(x):
    return relu(x) - relu(x - 1)


def trapezoid(x):
    return relu(x + 2) - relu(x + 1) - relu(x - 1) + relu(x - 2)


ramp_units, trapezoid_units = 2, 4
""",
    wrong={
        "second kink at 2": "def ramp(x):\n    return relu(x) - relu(x - 2)\n\n"
                            "def trapezoid(x):\n    return relu(x + 2) - relu(x + 1) "
                            "- relu(x - 1) + relu(x - 2)\n\nramp_units, trapezoid_units = 2, 4\n",
        "trapezoid never comes back down": "def ramp(x):\n    return relu(x) - relu(x - 1)\n\n"
                                           "def trapezoid(x):\n    return relu(x + 2) - "
                                           "relu(x + 1) - relu(x - 1)\n\n"
                                           "ramp_units, trapezoid_units = 2, 3\n",
    },
))
_X0 = np.linspace(-3.0, 3.0, 601)


@RAMP.case
def ramp_values(ramp):
    """ramp(x) is 0 left of 0, x on [0, 1], 1 right of 1"""
    got = np.asarray(ramp(_X0), dtype=float)
    bad = np.flatnonzero(~np.isclose(got, np.clip(_X0, 0.0, 1.0)))
    assert bad.size == 0, (
        f"ramp({_X0[bad[0]]:g}) gave {got[bad[0]]:g}, expected {np.clip(_X0[bad[0]], 0, 1):g}: "
        "the ramp's slope changes from 0 to 1 at x = 0 and from 1 to 0 at x = 1, "
        "one relu term for each change")


@RAMP.case
def trapezoid_values(trapezoid):
    """the trapezoid rises on [-2, -1], is 1 on [-1, 1], falls on [1, 2]"""
    expected = np.clip(np.minimum(_X0 + 2, 2 - _X0), 0.0, 1.0)
    got = np.asarray(trapezoid(_X0), dtype=float)
    bad = np.flatnonzero(~np.isclose(got, expected))
    assert bad.size == 0, (
        f"trapezoid({_X0[bad[0]]:g}) gave {got[bad[0]]:g}, expected {expected[bad[0]]:g}: "
        "a ramp up minus a ramp down; after x = 2 the slopes of the four terms must add to 0")


@RAMP.case
def unit_counts(ramp_units, trapezoid_units):
    """ramp_units and trapezoid_units count the ReLUs"""
    assert (ramp_units, trapezoid_units) == (2, 4), (
        f"ramp_units, trapezoid_units = {ramp_units!r}, {trapezoid_units!r}: "
        "each change of slope needs one unit; count where the slope changes")


COLLAPSE = register(Check(
    "ex-ch0-collapse", ("flat",),
    "define flat, an MLP([1, 4, 4, 1]) whose weights and biases make it one linear function "
    "on [-1, 1]",
    reference="""\
rng_ex = np.random.default_rng(seed(5))
flat = MLP([1, 4, 4, 1], seed=seed(2))
# Layer 1: biases larger than |weights| keep z > 0 for every x in [-1, 1].
flat.biases[0][:] = np.abs(flat.weights[0][0]) + 0.1
flat.weights[1][:] = rng_ex.uniform(0.1, 1.0, size=(4, 4))  # all positive
""",
    wrong={
        "a fresh network": "flat = MLP([1, 4, 4, 1], seed=2)\n",
        "one hidden layer": "flat = MLP([1, 4, 1], seed=2)\n"
                            "flat.biases[0][:] = np.abs(flat.weights[0][0]) + 0.1\n",
    },
))


@COLLAPSE.case
def two_hidden_layers_of_four(flat):
    """flat is an MLP with layers [1, 4, 4, 1]"""
    shapes = [tuple(np.shape(w)) for w in flat.weights]
    assert shapes == [(1, 4), (4, 4), (4, 1)], (
        f"flat's weight matrices have shapes {shapes}; the exercise takes one input, two "
        "hidden layers of 4 ReLU units and one output: MLP([1, 4, 4, 1])")


@COLLAPSE.case
def one_piece_on_the_interval(flat):
    """flat is one linear piece on [-1, 1]"""
    from rectifiers import count_regions_1d

    regions = count_regions_1d(flat, -1.0, 1.0)
    assert regions == 1, (
        f"count_regions_1d(flat, -1, 1) is {regions}: some unit switches on or off inside "
        "[-1, 1]; make every first-layer pre-activation positive there (b > |w|)")


@COLLAPSE.case
def every_relu_is_the_identity(flat):
    """on [-1, 1] flat computes x W1 W2 W3 + (b1 W2 + b2) W3 + b3"""
    (w1, w2, w3), (b1, b2, b3) = flat.weights, flat.biases
    x = np.linspace(-1.0, 1.0, 101)[:, None]
    collapsed = x @ w1 @ w2 @ w3 + (b1 @ w2 + b2) @ w3 + b3
    assert np.allclose(flat.forward(x), collapsed), (
        "flat is linear on [-1, 1], but not x W1 W2 W3 + (b1 W2 + b2) W3 + b3: some units "
        "are off there; with positive weights in layer 2 and b1 > |W1| every ReLU passes its "
        "input through")


# --- Chapter 1 ---------------------------------------------------------------------------------
RELU_MIN = register(Check(
    "ex-ch1-min", ("relu_min",),
    "define relu_min(x) with min() and no max(), equal to relu on every real input",
    reference="""\
def relu_min(x):
    return 0.0 - min(-x, 0.0)
""",
    wrong={
        "negation of min(0.0, -x)": "def relu_min(x):\n    return -min(0.0, -x)\n",
        "negation of min(-x, 0.0)": "def relu_min(x):\n    return -min(-x, 0.0)\n",
        "an int zero": "def relu_min(x):\n    return 0 - min(-x, 0)\n",
        "max() after all": "def relu_min(x):\n    return max(0.0, x) + 0.0\n",
    },
))


@RELU_MIN.case
def uses_min(relu_min):
    """relu_min is written with min(), not max()"""
    names = relu_min.__code__.co_names
    assert "min" in names and "max" not in names, (
        "relu_min should call min() and not max(): the exercise writes ReLU as "
        "max(0, x) = -min(0, -x)")


@RELU_MIN.case
def positive_input(relu_min):
    """relu_min(x) is x for positive x, as a float"""
    for x in (3.0, 0.5, 3, float("inf")):
        got = relu_min(x)
        assert type(got) is float and got == float(x), (
            f"relu_min({x!r}) gave {got!r} ({type(got).__name__}); ReLU of a positive number "
            "is the number itself, as a float")


@RELU_MIN.case
def positive_zero(relu_min):
    """relu_min gives +0.0 for negative numbers and both zeros"""
    for x in (-2.0, -float("inf"), -0.0, 0.0):
        got = relu_min(x)
        assert _same(got, 0.0), (
            f"relu_min({x!r}) gave {got!r}; ReLU of {'a negative number' if x else 'a zero'} "
            "is +0.0: which operation set the sign bit? (math.copysign(1.0, y) shows it)")


@RELU_MIN.case
def keeps_nan(relu_min):
    """relu_min(nan) is nan"""
    got = relu_min(float("nan"))
    assert isinstance(got, float) and math.isnan(got), (
        f"relu_min(nan) gave {got!r}; ReLU keeps NaN. min() keeps its first argument "
        "unless a later one compares smaller, and every comparison with NaN is false: "
        "which argument should come first?")


@RELU_MIN.case
def float_for_int(relu_min):
    """relu_min(-2) is a float, not an int"""
    got = relu_min(-2)
    assert type(got) is float, (
        f"relu_min(-2) gave {got!r} ({type(got).__name__}); relu returns a float for every "
        "input: when the zero wins, the zero's type is the result's type")


# --- Chapter 2 ---------------------------------------------------------------------------------
GRAD_FIX = register(Check(
    "ex-ch2-grad", ("relu_grad_fixed",),
    "define relu_grad_fixed(x): the mask one-liner fixed, vectorised, equal to relu_grad",
    reference="""\
def relu_grad_fixed(x):
    return np.where(np.isnan(x), x, (x > 0).astype(x.dtype))
""",
    wrong={
        "the mask one-liner": "def relu_grad_fixed(x):\n    return (x > 0).astype(x.dtype)\n",
        "1 at zero": "def relu_grad_fixed(x):\n"
                     "    return np.where(np.isnan(x), x, (x >= 0).astype(x.dtype))\n",
        "float64 always": "def relu_grad_fixed(x):\n"
                          "    return np.where(np.isnan(x), x, (x > 0).astype(float))\n",
        "in place": "def relu_grad_fixed(x):\n"
                    "    keep = ~np.isnan(x)\n"
                    "    x[keep] = x[keep] > 0\n"
                    "    return x\n",
    },
))
_EDGE = [-2.0, -0.0, 0.0, 3.0, float("nan"), float("inf"), -float("inf"), 1e-45]


@GRAD_FIX.case
def equals_relu_grad(relu_grad_fixed):
    """relu_grad_fixed equals relu_grad on the edge values, NaN included"""
    from rectifiers import relu_grad

    x = np.array(_EDGE, dtype=np.float32)
    got, expected = np.asarray(relu_grad_fixed(x)), relu_grad(x)
    for xi, g, e in zip(x, got.ravel(), expected, strict=False):
        assert _same(g, e), (
            f"at x = {xi!r} relu_grad_fixed gave {g!r}, relu_grad gives {e!r}"
            + ("; nan > 0 is False, so a mask turns NaN into 0: keep NaN where np.isnan(x)"
               if np.isnan(xi) else "; ReLU'(0) is 0 by the book's convention"
               if xi == 0 else ""))


@GRAD_FIX.case
def keeps_dtype_and_shape(relu_grad_fixed):
    """relu_grad_fixed keeps the dtype and the shape"""
    for dtype in (np.float32, np.float64):
        x = np.array([[-1.0, 2.0], [np.nan, 0.0]], dtype=dtype)
        got = np.asarray(relu_grad_fixed(x))
        assert got.dtype == dtype and got.shape == x.shape, (
            f"for a {x.shape} {np.dtype(dtype).name} array relu_grad_fixed gave a "
            f"{got.shape} {got.dtype.name} array; the derivative has the input's dtype and shape")


@GRAD_FIX.case
def leaves_input_alone(relu_grad_fixed):
    """relu_grad_fixed does not change its input"""
    x = np.array(_EDGE)
    before = x.copy()
    relu_grad_fixed(x)
    assert np.array_equal(x, before, equal_nan=True), "relu_grad_fixed changed its input array"


# --- Chapter 3 ---------------------------------------------------------------------------------
ONE_SIDED = register(Check(
    "ex-ch3-one-sided", ("forward_difference", "backward_difference"),
    "define forward_difference(f, x, h) and backward_difference(f, x, h)",
    reference="""\
def forward_difference(f, x, h):
    return (f(x + h) - f(x)) / h


def backward_difference(f, x, h):
    return (f(x) - f(x - h)) / h
""",
    wrong={
        "swapped": "def forward_difference(f, x, h):\n    return (f(x) - f(x - h)) / h\n\n"
                   "def backward_difference(f, x, h):\n    return (f(x + h) - f(x)) / h\n",
        "central for both": "def forward_difference(f, x, h):\n"
                            "    return (f(x + h) - f(x - h)) / (2 * h)\n\n"
                            "backward_difference = forward_difference\n",
    },
))


@ONE_SIDED.case
def at_the_kink(forward_difference, backward_difference, env):
    """at ReLU's kink the forward difference is 1, the backward one 0"""
    relu = env.get("relu") or __import__("rectifiers").relu
    for h in (1e-1, 1e-6):
        fwd, bwd = forward_difference(relu, 0.0, h), backward_difference(relu, 0.0, h)
        assert fwd == 1.0, (
            f"forward_difference(relu, 0.0, {h:g}) gave {fwd!r}; it looks only to the right "
            "of 0, where ReLU's slope is 1: (f(x + h) - f(x)) / h")
        assert bwd == 0.0, (
            f"backward_difference(relu, 0.0, {h:g}) gave {bwd!r}; it looks only to the left "
            "of 0, where ReLU's slope is 0: (f(x) - f(x - h)) / h")


@ONE_SIDED.case
def on_a_parabola(forward_difference, backward_difference):
    """on x**2 at 1 with h = 0.5: 2.5 forward, 1.5 backward"""
    def f(x):
        return x * x

    fwd, bwd = forward_difference(f, 1.0, 0.5), backward_difference(f, 1.0, 0.5)
    assert (fwd, bwd) == (2.5, 1.5), (
        f"for x**2 at x = 1 with h = 0.5 the differences gave {fwd!r} and {bwd!r}, expected "
        "(2.25 - 1) / 0.5 = 2.5 and (1 - 0.25) / 0.5 = 1.5; their mean 2.0 is the central one")


KINK = register(Check(
    "ex-ch3-kink-check", ("kink", "X_k", "y_k"),
    "define kink, an MLP, and its data X_k, y_k, with one bias set so that one "
    "pre-activation of one sample is exactly 0",
    reference="""\
rng_k = np.random.default_rng(seed(3))
kink = MLP([2, 8, 1], seed=seed(1))
X_k = rng_k.normal(size=(6, 2))
y_k = rng_k.normal(size=(6, 1))
# The biases start at 0, so z of sample 0, unit 0 is its weighted sum s;
# a bias of -s makes that z exactly 0.
kink.biases[0][0] = -kink.preactivations(X_k)[0][0, 0]
""",
    wrong={
        "bias near the kink, not on it": "kink = MLP([2, 8, 1], seed=1)\n"
                                         "X_k = np.random.default_rng(0).normal(size=(6, 2))\n"
                                         "y_k = np.random.default_rng(1).normal(size=(6, 1))\n"
                                         "kink.biases[0][0] = "
                                         "-kink.preactivations(X_k)[0][0, 0] + 0.01\n",
    },
))


@KINK.case
def an_exact_zero(kink, X_k):
    """a first-layer pre-activation is exactly 0"""
    z = kink.preactivations(X_k)[0]
    assert np.any(z == 0.0), (
        f"the smallest |z| of the first layer is {np.abs(z).min():.3g}, not 0: set the bias of "
        "a unit to minus the rest of its pre-activation for one sample, "
        "b = -(X_k @ W)[sample, unit], and check z == 0.0 exactly")


@KINK.case
def the_check_fails_at_the_kink(kink, X_k, y_k):
    """check_grad on the first biases fails, at a unit with an exact zero"""
    from rectifiers import check_grad

    _, grads = kink.loss_and_grads(X_k, y_k)
    result = check_grad(lambda _: kink.loss(X_k, y_k), grads.biases[0], kink.biases[0])
    zero_units = set(np.flatnonzero((kink.preactivations(X_k)[0] == 0.0).any(axis=0)))
    assert result.max_rel_error > 1e-3 and result.index[0] in zero_units, (
        f"check_grad on kink.biases[0] reports a largest relative error of "
        f"{result.max_rel_error:.1e} at entry {result.index}: the failing entry should be a "
        "unit whose pre-activation is exactly 0 for a sample whose error moves the loss")


BATCH = register(Check(
    "ex-ch3-batch", ("p_at_least_one", "batch_for_half"),
    "define p_at_least_one(r, M) and batch_for_half(r)",
    reference="""\
def p_at_least_one(r, M):
    return 1.0 - (1.0 - r) ** M


def batch_for_half(r):
    return np.log(2.0) / r
""",
    wrong={
        "M = 1 / r": "def p_at_least_one(r, M):\n    return 1.0 - (1.0 - r) ** M\n\n"
                     "def batch_for_half(r):\n    return 1.0 / r\n",
        "expected count as a probability": "def p_at_least_one(r, M):\n    return r * M\n\n"
                                           "def batch_for_half(r):\n    return 0.5 / r\n",
    },
))


@BATCH.case
def probability_of_a_zero(p_at_least_one):
    """p_at_least_one(r, M) = 1 - (1 - r)**M"""
    for r, M in ((0.5, 1), (0.1, 10), (0.5, 3), (1e-3, 2000)):
        got = float(p_at_least_one(r, M))
        assert math.isclose(got, 1 - (1 - r) ** M, rel_tol=1e-9), (
            f"p_at_least_one({r}, {M}) gave {got:.6g}, expected {1 - (1 - r) ** M:.6g}: "
            "no zero among M independent pre-activations has probability (1 - r)**M")


@BATCH.case
def half_at_ln2_over_r(batch_for_half):
    """batch_for_half(r) is about ln 2 / r"""
    for r in (1e-3, 1e-7):
        got = float(batch_for_half(r))
        assert math.isclose(got, math.log(2) / r, rel_tol=1e-3), (
            f"batch_for_half({r:g}) gave {got:.4g}, expected about ln 2 / r = "
            f"{math.log(2) / r:.4g}: solve 1 - exp(-r M) = 1/2 for M")


# --- Chapter 4 ---------------------------------------------------------------------------------
HALF = register(Check(
    "ex-ch4-half", ("depth_for_half",),
    "define depth_for_half(n): the smallest depth at which at least half of all width-n "
    "networks are born dead",
    reference="""\
def depth_for_half(n):
    return int(np.ceil(np.log(2) / -np.log1p(-(2.0**-n))))
""",
    wrong={
        "truncated approximation": "def depth_for_half(n):\n"
                                   "    return int(2**n * np.log(2))\n",
        "floor": "def depth_for_half(n):\n"
                 "    return int(np.floor(np.log(2) / -np.log1p(-(2.0**-n))))\n",
        "one layer too deep": "def depth_for_half(n):\n"
                              "    return int(np.ceil(np.log(2) / -np.log1p(-(2.0**-n)))) + 1\n",
    },
))


@HALF.case
def smallest_depth(depth_for_half):
    """born_dead_exact(n, L) reaches 1/2 at L = depth_for_half(n) and not before"""
    from rectifiers import born_dead_exact

    for n in range(1, 13):
        L = depth_for_half(n)
        assert isinstance(L, (int, np.integer)) and L >= 1, (
            f"depth_for_half({n}) gave {L!r}; a depth is a positive int")
        assert born_dead_exact(n, int(L)) >= 0.5, (
            f"depth_for_half({n}) gave {L}, but born_dead_exact({n}, {L}) is "
            f"{born_dead_exact(n, int(L)):.4f} < 1/2: round the solution of "
            "(1 - 2**-n)**L = 1/2 up, not down")
        assert L == 1 or born_dead_exact(n, int(L) - 1) < 0.5, (
            f"depth_for_half({n}) gave {L}, but born_dead_exact({n}, {L - 1}) is already "
            f"{born_dead_exact(n, int(L) - 1):.4f}: 2**n ln 2 is an approximation; "
            "use the exact L = ln 2 / -ln(1 - 2**-n), rounded up")


WIDTH_ONE = register(Check(
    "ex-ch4-width-one", ("p_constant",),
    "define p_constant(L): the probability that a width-1 network with L hidden layers is "
    "constant on [-1, 1]",
    reference="""\
def p_constant(L):
    return 1.0 - 2.0 ** -(L - 1)
""",
    wrong={
        "the point event": "def p_constant(L):\n    return 1.0 - 2.0 ** -L\n",
        "alive instead of dead": "def p_constant(L):\n    return 2.0 ** -(L - 1)\n",
    },
))


@WIDTH_ONE.case
def by_hand(p_constant):
    """p_constant(L) = 1 - 2**-(L - 1)"""
    for L in (1, 2, 3, 6):
        got = float(p_constant(L))
        assert math.isclose(got, 1 - 2.0 ** -(L - 1), abs_tol=1e-12), (
            f"p_constant({L}) gave {got:.4f}; the first unit is already off on one side of 0, "
            f"so only the other {L - 1} units must each be on (probability 1/2 each)"
            + (": a one-layer network is never constant" if L == 1 else ""))


@WIDTH_ONE.case
def agrees_with_the_simulation(p_constant):
    """p_constant(3) agrees with born_dead_rate(1, 3, interval=True)"""
    from rectifiers import born_dead_rate

    sim = born_dead_rate(1, 3, trials=20_000, seed=3, interval=True)
    assert abs(float(p_constant(3)) - sim) < 0.02, (
        f"p_constant(3) is {float(p_constant(3)):.4f}, the simulation gives {sim:.4f}")


MINIBATCH = register(Check(
    "ex-ch4-batch", ("minibatch_dead_fraction",),
    "define minibatch_dead_fraction(net, X, batch_size): each hidden layer's dead fraction, "
    "averaged over the minibatches X[s:s + batch_size]",
    reference="""\
def minibatch_dead_fraction(net, X, batch_size):
    per_batch = [dead_fraction(net.preactivations(X[s:s + batch_size]))
                 for s in range(0, len(X), batch_size)]
    return np.mean(per_batch, axis=0)
""",
    wrong={
        "the whole set": "def minibatch_dead_fraction(net, X, batch_size):\n"
                         "    return np.asarray(dead_fraction(net.preactivations(X)))\n",
        "counts, not fractions": "def minibatch_dead_fraction(net, X, batch_size):\n"
                                 "    return np.mean([[d.sum() for d in dead_units("
                                 "net.preactivations(X[s:s + batch_size]))]\n"
                                 "                    for s in range(0, len(X), batch_size)],"
                                 " axis=0)\n",
    },
))


def _half_dead_net():
    from rectifiers import MLP

    net = MLP([1, 16, 16, 1], seed=4)
    net.biases[0][:] = np.linspace(-1.5, 0.5, 16)  # some units fire only on part of the data
    return net, np.linspace(-1.0, 1.0, 50).reshape(-1, 1)


@MINIBATCH.case
def mean_over_minibatches(minibatch_dead_fraction):
    """the per-layer dead fraction, averaged over minibatches"""
    from rectifiers import dead_fraction

    net, X = _half_dead_net()
    expected = np.mean([dead_fraction(net.preactivations(X[s:s + 8]))
                        for s in range(0, len(X), 8)], axis=0)
    got = np.asarray(minibatch_dead_fraction(net, X, 8), dtype=float)
    assert got.shape == expected.shape and np.allclose(got, expected), (
        f"minibatch_dead_fraction(net, X, 8) gave {_show(got.round(3))}, expected "
        f"{_show(expected.round(3))}: one dead_fraction per minibatch X[s:s + 8] "
        "(the last one shorter), then the mean over minibatches, per layer")


@MINIBATCH.case
def never_below_the_whole_set(minibatch_dead_fraction):
    """the minibatch count is never below the whole-set count"""
    from rectifiers import dead_fraction

    net, X = _half_dead_net()
    whole = np.asarray(dead_fraction(net.preactivations(X)))
    got = np.asarray(minibatch_dead_fraction(net, X, 5), dtype=float)
    assert got.shape == whole.shape and np.all(got >= whole - 1e-12) and np.any(got > whole), (
        f"on minibatches of 5 you count {_show(got.round(3))}, on the whole set "
        f"{_show(whole.round(3))}: a unit dead on the set is dead on every batch, and some "
        "units are only silent on a batch")


# --- Chapter 5 ---------------------------------------------------------------------------------
REVIVE = register(Check(
    "ex-ch5-unit", ("steps_to_revive",),
    "define steps_to_revive(slope, lr=0.5, w=1.0, b=-2.0, max_steps=20_000): the gradient-"
    "descent steps until the unit is active somewhere, or None",
    reference="""\
def steps_to_revive(slope, lr=0.5, w=1.0, b=-2.0, max_steps=20_000):
    x = np.linspace(-1.0, 1.0, 201)
    target = relu(x)
    for step in range(max_steps):
        z = w * x + b
        if np.any(z > 0):
            return step
        u = leaky_relu(z, slope)
        g = 2.0 * (u - target) * leaky_relu_grad(z, slope) / x.size
        w, b = w - lr * (g @ x), b - lr * g.sum()
    return None
""",
    wrong={
        "gradient ascent": "def steps_to_revive(slope, lr=0.5, w=1.0, b=-2.0, "
                           "max_steps=20_000):\n"
                           "    x = np.linspace(-1.0, 1.0, 201)\n"
                           "    for step in range(max_steps):\n"
                           "        z = w * x + b\n"
                           "        if np.any(z > 0):\n            return step\n"
                           "        g = 2.0 * (leaky_relu(z, slope) - relu(x)) * "
                           "leaky_relu_grad(z, slope) / x.size\n"
                           "        w, b = w + lr * (g @ x), b + lr * g.sum()\n"
                           "    return None\n",
        "the budget instead of None": "def steps_to_revive(slope, lr=0.5, w=1.0, b=-2.0, "
                                      "max_steps=20_000):\n"
                                      "    x = np.linspace(-1.0, 1.0, 201)\n"
                                      "    for step in range(max_steps):\n"
                                      "        z = w * x + b\n"
                                      "        if np.any(z > 0):\n            return step\n"
                                      "        g = 2.0 * (leaky_relu(z, slope) - relu(x)) * "
                                      "leaky_relu_grad(z, slope) / x.size\n"
                                      "        w, b = w - lr * (g @ x), b - lr * g.sum()\n"
                                      "    return max_steps\n",
        "the prediction instead of the run": "def steps_to_revive(slope, lr=0.5, w=1.0, "
                                             "b=-2.0, max_steps=20_000):\n"
                                             "    return round(6 / (5 * lr * slope)) "
                                             "if slope else None\n",
    },
))


@REVIVE.case
def follows_the_prediction(steps_to_revive):
    """the step counts are 0.7 to 1 times 6 / (5 lr s)"""
    for s in (0.1, 0.01):
        predicted = 6 / (5 * 0.5 * s)
        steps = steps_to_revive(s, max_steps=int(1.5 * predicted))
        assert steps is not None and 0.7 < steps / predicted <= 1.0, (
            f"steps_to_revive({s}) gave {steps!r}, the prediction is about {predicted:.0f} "
            "and the dropped terms of order s**2 make the run slightly faster: is the step "
            "w - lr * dL/dw, with dL/dz = 2 (u - t) s / N while the unit is off?")


@REVIVE.case
def relu_never_comes_back(steps_to_revive):
    """with slope 0 (ReLU) the unit never comes back: None"""
    got = steps_to_revive(0.0, max_steps=500)
    assert got is None, (
        f"steps_to_revive(0.0, max_steps=500) gave {got!r}; with slope 0 the gradient of a "
        "dead unit is exactly 0 and it never moves: return None when max_steps run out")


@REVIVE.case
def runs_the_descent(steps_to_revive):
    """it runs gradient descent from the given w and b"""
    near = steps_to_revive(0.1, w=1.0, b=-1.05)
    assert near is not None and near < 0.25 * steps_to_revive(0.1), (
        f"starting at b = -1.05 instead of -2 took {near!r} steps; w + b only has to grow "
        "from -0.05 to 0, so it should take a small fraction of the steps from b = -2")


SHARED = register(Check(
    "ex-ch5-shared", ("shared_slope_grad",),
    "define shared_slope_grad(grads, layer): the gradient of one slope shared by a layer, "
    "from the Grads that loss_and_grads returns",
    reference="""\
def shared_slope_grad(grads, layer):
    return grads.learnable[layer].sum()
""",
    wrong={
        "mean": "def shared_slope_grad(grads, layer):\n"
                "    return grads.learnable[layer].mean()\n",
        "first unit only": "def shared_slope_grad(grads, layer):\n"
                           "    return grads.learnable[layer][0]\n",
    },
))


@SHARED.case
def matches_central_differences(shared_slope_grad):
    """shared_slope_grad matches central differences of a shared slope"""
    from rectifiers import ACTIVATIONS, MLP

    net = MLP([2, 5, 5, 1], activation=ACTIVATIONS["prelu"], seed=7)
    rng = np.random.default_rng(7)
    X, y = rng.normal(size=(32, 2)), rng.normal(size=(32, 1))
    for layer in (0, 1):
        net.learnable[layer][:] = 0.25
        _, grads = net.loss_and_grads(X, y)
        got = float(shared_slope_grad(grads, layer))
        h, losses = 1e-6, []
        for a in (0.25 + 1e-6, 0.25 - 1e-6):
            net.learnable[layer][:] = a
            losses.append(net.loss(X, y))
        net.learnable[layer][:] = 0.25
        numeric = (losses[0] - losses[1]) / (2 * h)
        assert abs(got - numeric) < 1e-6 * max(1.0, abs(numeric)), (
            f"for layer {layer} shared_slope_grad gave {got:.8f}, central differences "
            f"{numeric:.8f}: moving the shared slope moves every unit's slope at once, so the "
            "chain rule adds the per-unit gradients grads.learnable[layer]")


# --- Chapter 6 ---------------------------------------------------------------------------------
CHANCE = register(Check(
    "ex-ch6-chance", ("blank",),
    "define blank, an MLP for the 10 digits (cross-entropy) whose last layer's weights and "
    "biases are zero",
    reference="""\
blank = MLP([64, 16, 10], loss="cross_entropy", seed=0)
blank.weights[-1][:] = 0.0
blank.biases[-1][:] = 0.0
""",
    wrong={
        "a trained-from-scratch network": "blank = MLP([64, 16, 10], "
                                          "loss='cross_entropy', seed=0)\n",
        "zero weights, biases left": "blank = MLP([64, 16, 10], loss='cross_entropy', "
                                     "seed=0)\nblank.weights[-1][:] = 0.0\n"
                                     "blank.biases[-1][:] = np.arange(10) / 10\n",
    },
))


@CHANCE.case
def loss_is_ln_10(blank):
    """blank's loss is ln 10 on any data"""
    rng = np.random.default_rng(6)
    n_in = np.shape(blank.weights[0])[0]
    X, y = rng.normal(size=(40, n_in)), rng.integers(0, 10, size=40)
    loss = blank.loss(X, y)
    assert abs(loss - math.log(10)) < 1e-9, (
        f"blank's loss on random images is {loss:.6f}, not ln 10 = {math.log(10):.6f}: with "
        "every score equal each class gets probability 1/10; zero the last layer's weights "
        "and its biases")


@CHANCE.case
def ten_classes(blank):
    """blank gives each of 10 digits probability 1/10"""
    rng = np.random.default_rng(7)
    proba = blank.predict_proba(rng.normal(size=(5, np.shape(blank.weights[0])[0])))
    assert proba.shape[1] == 10 and np.allclose(proba, 0.1), (
        f"blank's probabilities have shape {proba.shape} and range "
        f"[{proba.min():.3f}, {proba.max():.3f}]; a network for the 10 digits that knows "
        "nothing gives each digit 1/10")


HE = register(Check(
    "ex-ch6-prelu", ("he_variance",),
    "define he_variance(fan_in, a): the weight variance that keeps the second moment of a "
    "layer with negative slope a",
    reference="""\
def he_variance(fan_in, a):
    return 2.0 / ((1.0 + a**2) * fan_in)
""",
    wrong={
        "He's for ReLU": "def he_variance(fan_in, a):\n    return 2.0 / fan_in\n",
        "slope not squared": "def he_variance(fan_in, a):\n"
                             "    return 2.0 / ((1.0 + a) * fan_in)\n",
    },
))


@HE.case
def he_and_lecun_are_the_ends(he_variance):
    """a = 0 gives He's 2 / fan_in, a = 1 (linear) gives 1 / fan_in"""
    for a, expected, name in ((0.0, 2 / 64, "ReLU: He's 2 / fan_in"),
                              (1.0, 1 / 64, "the identity: 1 / fan_in")):
        got = float(he_variance(64, a))
        assert math.isclose(got, expected, rel_tol=1e-9), (
            f"he_variance(64, {a}) gave {got:.6g}; slope {a} is {name} = {expected:.6g}")


@HE.case
def slope_enters_squared(he_variance):
    """the negative side contributes a**2 / 2 of the second moment"""
    for a in (0.5, -0.5, 0.01):
        got, expected = float(he_variance(32, a)), 2 / ((1 + a * a) * 32)
        assert math.isclose(got, expected, rel_tol=1e-9), (
            f"he_variance(32, {a}) gave {got:.6g}, expected {expected:.6g}: the negative half "
            "of z is scaled by a, so its square by a**2: E[f(z)**2] = (1 + a**2) Var(z) / 2")


CONFUSION = register(Check(
    "ex-ch6-confusion", ("confusion_matrix", "most_common_mistake"),
    "define confusion_matrix(y_true, y_pred, k=10) (row: true digit, column: predicted) and "
    "most_common_mistake(confusion), the (true, predicted) pair off the diagonal seen most",
    reference="""\
def confusion_matrix(y_true, y_pred, k=10):
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return confusion


def most_common_mistake(confusion):
    mistakes = confusion - np.diag(np.diag(confusion))
    true, guess = np.unravel_index(mistakes.argmax(), mistakes.shape)
    return int(true), int(guess)
""",
    wrong={
        "transposed": "def confusion_matrix(y_true, y_pred, k=10):\n"
                      "    c = np.zeros((k, k), dtype=int)\n"
                      "    np.add.at(c, (np.asarray(y_pred), np.asarray(y_true)), 1)\n"
                      "    return c\n\n"
                      "def most_common_mistake(c):\n"
                      "    m = c - np.diag(np.diag(c))\n"
                      "    return tuple(int(i) for i in np.unravel_index(m.argmax(), m.shape))\n",
        "fancy-index += counts a pair once": "def confusion_matrix(y_true, y_pred, k=10):\n"
                                             "    c = np.zeros((k, k), dtype=int)\n"
                                             "    c[np.asarray(y_true), np.asarray(y_pred)] "
                                             "+= 1\n    return c\n\n"
                                             "def most_common_mistake(c):\n"
                                             "    return tuple(int(i) for i in "
                                             "np.unravel_index(c.argmax(), c.shape))\n",
    },
))
_TRUE, _PRED = [0, 0, 1, 2, 2, 2, 1], [1, 0, 2, 2, 1, 1, 1]


@CONFUSION.case
def counts_pairs(confusion_matrix):
    """confusion[t, p] counts the images of t predicted as p"""
    got = np.asarray(confusion_matrix(_TRUE, _PRED, 3))
    expected = np.array([[1, 1, 0], [0, 1, 1], [0, 2, 1]])
    assert got.shape == (3, 3) and np.array_equal(got, expected), (
        f"confusion_matrix({_TRUE}, {_PRED}, 3) gave\n{_show(got)}\nexpected\n"
        f"{_show(expected)}\nrows are true digits, columns predictions"
        + ("; it is the transpose" if np.array_equal(got, expected.T) else "")
        + ("; a repeated pair must count twice: c[t, p] += 1 with index arrays adds once per "
           "distinct pair, np.add.at adds every one" if got.sum() < len(_TRUE) else ""))


@CONFUSION.case
def finds_the_common_mistake(most_common_mistake):
    """most_common_mistake ignores the diagonal"""
    confusion = np.array([[9, 1, 0], [0, 8, 1], [0, 3, 7]])
    got = tuple(int(i) for i in most_common_mistake(confusion))
    assert got == (2, 1), (
        f"most_common_mistake gave {got} for\n{_show(confusion)}\nexpected (2, 1): a 2 read "
        "as 1, three times; the diagonal holds correct answers, leave it out")
