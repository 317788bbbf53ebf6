"""rectifiers: ReLU and its relatives, small and tested — the package behind the book *Rectified*.

>>> from rectifiers import relu, relu_grad
>>> relu(2.5), relu(-1.0), relu_grad(2.5)
(2.5, 0.0, 1.0)
"""

from .activations import (
    elu,
    elu_grad,
    gelu,
    gelu_grad,
    leaky_relu,
    leaky_relu_grad,
    prelu,
    prelu_grad,
    prelu_slope_grad,
    relu,
    relu_grad,
    silu,
    silu_grad,
    softplus,
    softplus_grad,
)
from .diagnostics import born_dead_exact, born_dead_rate, dead_fraction, dead_units
from .gradcheck import GradCheck, check_grad, numerical_derivative, numerical_gradient
from .nn import MLP
from .plotting import BOOK_STYLE, new_axes, plot_activation, use_book_style

__all__ = [
    "relu",
    "relu_grad",
    "leaky_relu",
    "leaky_relu_grad",
    "prelu",
    "prelu_grad",
    "prelu_slope_grad",
    "elu",
    "elu_grad",
    "gelu",
    "gelu_grad",
    "silu",
    "silu_grad",
    "softplus",
    "softplus_grad",
    "BOOK_STYLE",
    "use_book_style",
    "new_axes",
    "plot_activation",
    "dead_units",
    "dead_fraction",
    "born_dead_exact",
    "born_dead_rate",
    "numerical_derivative",
    "numerical_gradient",
    "check_grad",
    "GradCheck",
    "MLP",
]
__version__ = "0.1.0"
