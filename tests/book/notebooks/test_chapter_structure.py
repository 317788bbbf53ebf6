"""Every chapter follows the book's spine, so a new chapter inherits it by construction.

Motivation, equations, code from ``rectifiers``, figures with captions, a summary,
at least three labelled exercises with hidden solutions, and citations.
"""

from __future__ import annotations

import re

import nbformat
from conftest import BOOK

EXERCISE = re.compile(r"^`{3,}\{exercise\}.*\n:label: (\S+)", re.MULTILINE)
SOLUTION = re.compile(r"^`{3,}\{solution(?:-start)?\} (\S+)\n:class: dropdown", re.MULTILINE)
CITE = re.compile(r"\{cite(?::[tp])?\}`([^`]+)`")
BIB_KEY = re.compile(r"^@\w+\{([^,\s]+),", re.MULTILINE)


def markdown(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_at_least_three_labelled_exercises_each_with_a_hidden_solution(chapter):
    path, nb = chapter
    text = markdown(nb)
    exercises = EXERCISE.findall(text)
    assert len(exercises) >= 3, f"{path.name}: {len(exercises)} labelled exercises, need 3"
    solved = set(SOLUTION.findall(text))
    unsolved = [label for label in exercises if label not in solved]
    assert not unsolved, f"{path.name}: no dropdown solution for {unsolved}"


def test_has_a_summary_section(chapter):
    path, nb = chapter
    assert re.search(r"^## Summary", markdown(nb), re.MULTILINE), f"{path.name}: no ## Summary"


def test_cites_only_keys_of_the_bibliography(chapter):
    path, nb = chapter
    known = set(BIB_KEY.findall((BOOK / "references.bib").read_text()))
    cited = {k.strip() for group in CITE.findall(markdown(nb)) for k in group.split(",")}
    assert cited, f"{path.name} cites no source"
    assert cited <= known, f"{path.name} cites unknown keys {sorted(cited - known)}"


def test_every_figure_has_a_name_and_a_caption(chapter):
    path, nb = chapter
    for block in re.findall(r"`{3,}\{glue:figure\}(.*?)`{3,}", markdown(nb), re.DOTALL):
        assert ":name:" in block, f"{path.name}: a glued figure has no :name:"
        caption = re.sub(r"^\s*:.*$", "", block.split("\n", 1)[1], flags=re.MULTILINE).strip()
        assert caption, f"{path.name}: a glued figure has no caption"


def test_imports_the_package_and_never_edits_sys_path(chapter):
    path, nb = chapter
    source = code(nb)
    assert re.search(r"^from rectifiers\b|^import rectifiers\b", source, re.MULTILINE), (
        f"{path.name} does not import rectifiers"
    )
    assert "sys.path" not in source, f"{path.name} edits sys.path; the package is installed"


def test_numbers_in_prose_are_glued(chapter):
    path, nb = chapter
    assert "{glue:" in markdown(nb), f"{path.name} glues no number or figure into its prose"


def test_no_misstatement_that_relu_returns_one(chapter):
    path, nb = chapter
    for line in markdown(nb).splitlines():
        if re.search(r"relu\W+returns? 1\b", line, re.IGNORECASE):
            # Only as the quoted misstatement that the book refutes.
            assert '"' in line or "wrong" in line.lower(), f"{path.name}: {line.strip()}"


# The primary sources the book relies on (issue "A book readers can use"): each cited somewhere.
PRIMARY_SOURCES = {
    "nair2010rectified", "glorot2011deep", "maas2013rectifier", "he2015delving",
    "clevert2016fast", "hendrycks2016gaussian", "ramachandran2017searching",
    "douglas2018why", "lu2020dying", "bertoin2021numerical",
}


def test_the_primary_sources_are_cited_somewhere():
    cited = set()
    for path in sorted(BOOK.glob("*.ipynb")):
        text = markdown(nbformat.read(path, as_version=4))
        cited |= {k.strip() for group in CITE.findall(text) for k in group.split(",")}
    assert PRIMARY_SOURCES <= cited, f"never cited: {sorted(PRIMARY_SOURCES - cited)}"


def test_glued_figures_also_show_in_jupyter(chapter):
    # Readers in Colab or Jupyter see no {glue:figure}: the cell itself must display the figure,
    # and be tagged remove-output so that the book shows it only once, with its caption.
    path, nb = chapter
    for cell in nb.cells:
        if cell.cell_type != "code" or not re.search(r'glue\("fig', cell.source):
            continue
        assert not re.search(r'glue\("fig[^)]*display=False', cell.source), (
            f"{path.name}: a figure is glued with display=False, invisible outside the book"
        )
        assert "remove-output" in cell.metadata.get("tags", []), (
            f"{path.name}: a cell that displays a glued figure needs the remove-output tag"
        )
