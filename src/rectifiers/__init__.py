"""rectifiers: ReLU and its relatives, small and tested — the package behind the book *Rectified*.

>>> from rectifiers import relu, relu_grad
>>> relu(2.5), relu(-1.0), relu_grad(2.5)
(2.5, 0.0, 1.0)
"""

from .activations import relu, relu_grad
from .plotting import BOOK_STYLE, new_axes, plot_activation, use_book_style

__all__ = [
    "relu",
    "relu_grad",
    "BOOK_STYLE",
    "use_book_style",
    "new_axes",
    "plot_activation",
]
__version__ = "0.1.0"
