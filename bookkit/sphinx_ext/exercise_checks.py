"""A code exercise says that it has a check (``bookkit/grading/checks.py``).

After the source is read, every sphinx-exercise ``exercise`` node whose label has a check gets a
last paragraph saying so; the exercises graded by hand are left as they are. Nothing else of
the page changes. Loaded by ``bookkit.sphinx_ext.html``.
"""

from __future__ import annotations

from docutils import nodes

from ..grading.checks import CHECKS

TEXT = ("This exercise has a check: in the student notebooks, the cell after your answer "
        "tells you at once which of its tests your code passes.")


def _mark_checked_exercises(app, doctree) -> None:
    from sphinx_exercise.nodes import exercise_enumerable_node, exercise_node

    for node in doctree.findall(lambda n: isinstance(n, (exercise_node,
                                                         exercise_enumerable_node))):
        if node.get("label") in CHECKS and not node.get("rectified_check"):
            node["rectified_check"] = True
            note = nodes.paragraph(TEXT, "", nodes.emphasis(TEXT, TEXT),
                                   classes=["exercise-check"])
            # The body is the section after the title; append to it, or to the node itself.
            body = next((child for child in node.children
                         if isinstance(child, nodes.section)), node)
            body.append(note)


def setup(app):
    app.connect("doctree-read", _mark_checked_exercises)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
