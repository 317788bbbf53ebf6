"""rectifiers: ReLU and its relatives, small and tested — the package behind the book *Rectified*.

The library is what ``import rectifiers`` loads: the activations and their
records, the network, gradient checking and the dead-unit diagnostics. The
book's own helpers (figure style, benchmarks, experiments) live apart, in
:mod:`rectifiers.book`, and are imported only by the chapters.

>>> from rectifiers import relu, relu_grad
>>> relu(2.5), relu(-1.0), relu_grad(2.5)
(2.5, 0.0, 1.0)
"""

from ._inputs import count_parameter, real_parameter
from .activations import (
    ACTIVATIONS,
    COMPILED,
    STREAMING,
    elu,
    elu_grad,
    gelu,
    gelu_grad,
    get_streaming_threshold,
    leaky_relu,
    leaky_relu_grad,
    prelu,
    prelu_grad,
    prelu_slope_grad,
    relu,
    relu_grad,
    set_streaming_threshold,
    sigmoid,
    sigmoid_grad,
    silu,
    silu_grad,
    softplus,
    softplus_grad,
    streaming_threshold,
    tanh,
    tanh_grad,
)
from .diagnostics import born_dead_exact, born_dead_rate, dead_fraction, dead_units
from .gradcheck import GradCheck, check_grad, numerical_derivative, numerical_gradient
from .nn import MLP, Grads, Histories, fit_together, hidden_layers
from .regions import (
    activation_patterns,
    count_regions_1d,
    region_boundaries_1d,
    region_map_2d,
)
from .registry import Activation, Learnable

__all__ = [
    "Activation",
    "Learnable",
    "ACTIVATIONS",
    "COMPILED",
    "STREAMING",
    "get_streaming_threshold",
    "set_streaming_threshold",
    "streaming_threshold",
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
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "dead_units",
    "dead_fraction",
    "born_dead_exact",
    "born_dead_rate",
    "numerical_derivative",
    "numerical_gradient",
    "check_grad",
    "GradCheck",
    "MLP",
    "Grads",
    "hidden_layers",
    "fit_together",
    "Histories",
    "activation_patterns",
    "region_boundaries_1d",
    "count_regions_1d",
    "region_map_2d",
    "count_parameter",
    "real_parameter",
]
__version__ = "0.1.0"
