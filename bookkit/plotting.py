"""Plotting helpers for the book: one style, and functions that draw on a given Axes.

No helper calls ``matplotlib.use()`` or ``plt.show()``: each takes an ``Axes``
(or makes one) and returns it, so it works in a notebook, a test and a saved file.
"""

from __future__ import annotations

import functools

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure

__all__ = ["BOOK_STYLE", "use_book_style", "new_axes", "plot_activation", "smallest_font_pt",
           "figure_png"]

# White figure and axes backgrounds keep figures readable in the book's dark mode.
BOOK_STYLE = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    # A phone shows a figure about 350 CSS px wide: 13 pt on a 6-inch figure is then about
    # 10.5 px (13 * 350 / (72 * 6)); two panels side by side would halve it, so panels stack.
    "figure.figsize": (6.0, 3.6),
    "figure.dpi": 100,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "font.size": 13,
    # Same SVG/PNG bytes from run to run.
    "svg.hashsalt": "rectified",
}


def use_book_style() -> None:
    """Apply :data:`BOOK_STYLE` to matplotlib's global settings (idempotent).

    In a notebook it also makes the inline backend store PNGs at twice the
    resolution they are shown at ("retina"), so figures stay sharp on
    high-density screens; the displayed size is unchanged. Each PNG says in its
    text chunks how small its text is (:func:`figure_png`): the browser tests
    check that it stays readable at the width the page shows it.
    """
    mpl.rcParams.update(BOOK_STYLE)
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # not in IPython: nothing to configure
        return
    if get_ipython() is not None:
        set_matplotlib_formats("retina")
        # After set_matplotlib_formats: the inline backend chose its formatter when it was
        # imported (above), once; this one replaces it for figures shown and glued alike.
        get_ipython().display_formatter.formatters["image/png"].for_type(
            Figure, functools.partial(figure_png, base64=True))


class _TextSizes(RendererAgg):
    """A renderer that draws nothing and records the size of every text it is asked to draw."""

    def __init__(self, fig):
        super().__init__(max(1, int(fig.bbox.width)), max(1, int(fig.bbox.height)), fig.dpi)
        self.sizes = []

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            self.sizes.append(prop.get_size_in_points())

    def draw_tex(self, gc, x, y, s, prop, angle, *, mtext=None):
        self.draw_text(gc, x, y, s, prop, angle)


def smallest_font_pt(fig) -> float | None:
    """The smallest font size, in points, of the text that drawing ``fig`` shows (tick labels,
    axis labels, legends, titles, annotations; hidden, empty and off-axis text excluded), or
    None for a figure without text.

    >>> ax = new_axes(); _ = ax.set_title("t", fontsize=9); smallest_font_pt(ax.figure)
    9.0
    """
    renderer = _TextSizes(fig)
    fig.draw(renderer)  # what is drawn, not what exists: ticks out of view, axis("off")
    return min(renderer.sizes, default=None)


def figure_png(fig, base64: bool = False):
    """``fig`` as the inline backend's retina PNG (2x, shown at 1x: the width/height metadata),
    whose text chunks say how small its text is: ``min_font_pt`` (as :func:`smallest_font_pt`)
    and ``dpi`` (of the PNG). Text px in the PNG = min_font_pt * dpi / 72; the browser tests
    scale that by the displayed width over the PNG's width. The same bytes on every run (no
    date, no matplotlib version). None for an empty figure, as IPython's formatter returns.
    """
    from IPython.core.pylabtools import retina_figure

    size = smallest_font_pt(fig)
    metadata = {"Software": None, "dpi": f"{2 * fig.dpi:g}"}
    if size is not None:
        metadata["min_font_pt"] = f"{size:g}"
    return retina_figure(fig, base64=base64, metadata=metadata)


def new_axes(nrows: int = 1, **subplot_kw):
    """A new figure in the book's style with ``nrows`` axes stacked (each as tall as a figure
    of one); returns the axes (one or array)."""
    width, height = BOOK_STYLE["figure.figsize"]
    subplot_kw.setdefault("figsize", (width, height * nrows))
    with mpl.rc_context(BOOK_STYLE):
        fig, axes = plt.subplots(nrows, 1, **subplot_kw)
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
