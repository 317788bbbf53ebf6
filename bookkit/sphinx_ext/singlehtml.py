"""A Sphinx extension for the single-page build that ``make pdf`` prints.

sphinx-jupyterbook-latex (loaded by jupyter-book) puts a ``HiddenCellNode`` beside every
toctree and registers how to skip it for the ``html`` builder only; the ``singlehtml``
builder then fails with "unknown node type". Skip it there too.
"""

from __future__ import annotations

from docutils import nodes
from sphinx_jupyterbook_latex.nodes import HiddenCellNode


def _skip(self, node):
    raise nodes.SkipNode


def setup(app):
    app.add_node(HiddenCellNode, override=True, singlehtml=(_skip, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
