"""Plotting helpers for the book: one style, and functions that draw on a given Axes.

No helper calls ``matplotlib.use()`` or ``plt.show()``: each takes an ``Axes``
(or makes one) and returns it, so it works in a notebook, a test and a saved file.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

__all__ = ["BOOK_STYLE", "use_book_style", "new_axes", "plot_activation"]

# White figure and axes backgrounds keep figures readable in the book's dark mode.
BOOK_STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.figsize": (6.4, 3.6),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "font.size": 11,
    # Same SVG/PNG bytes from run to run.
    "svg.hashsalt": "rectified",
}


def use_book_style() -> None:
    """Apply :data:`BOOK_STYLE` to matplotlib's global settings (idempotent).

    In a notebook it also makes the inline backend store PNGs at twice the
    resolution they are shown at ("retina"), so figures stay sharp on
    high-density screens; the displayed size is unchanged.
    """
    mpl.rcParams.update(BOOK_STYLE)
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # not in IPython: nothing to configure
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")


def new_axes(ncols: int = 1, **subplot_kw):
    """A new figure in the book's style with ``ncols`` axes; returns the axes (one or array)."""
    with mpl.rc_context(BOOK_STYLE):
        fig, axes = plt.subplots(1, ncols, **subplot_kw)
    fig.set_layout_engine("constrained")
    return axes


def plot_activation(f, ax=None, *, x=None, label=None, grad=None, grad_label=None, **line_kw):
    """Draw ``f(x)`` (and, if given, ``grad(x)`` dashed) on ``ax``; return ``ax``.

    ``x`` defaults to 601 points on [-3, 3] (an odd count, so 0 is one of them).
    ``f`` and ``grad`` are applied to the whole array, as every activation in
    :mod:`rectifiers` accepts arrays.
    """
    if ax is None:
        ax = new_axes()
    x = np.linspace(-3.0, 3.0, 601) if x is None else np.asarray(x, dtype=float)
    name = label or getattr(f, "__name__", "f")
    (line,) = ax.plot(x, f(x), label=name, **line_kw)
    if grad is not None:
        ax.plot(x, grad(x), linestyle="--", color=line.get_color(),
                label=grad_label or f"{name}'")
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.axvline(0.0, color="0.6", linewidth=0.8)
    ax.set_xlabel("input $x$")
    ax.set_ylabel("output")
    ax.legend()
    return ax
