"""Notebook hygiene: what nbval cannot see by comparing outputs.

Outputs are stored from one top-to-bottom run, contain nothing machine-specific, and
every chapter is in the table of contents. These tests read the stored notebooks and
execute nothing: that outputs are deterministic is nbval's job (``make nbval`` executes
every chapter under another hash seed than the one the outputs were stored with).
"""

from __future__ import annotations

import re

from conftest import BOOK, CHAPTERS, ROOT, WIDTH, toc_files

# Cells that may differ between runs (timings) must be few, and must say why.
MAX_IGNORED_CELLS = 3
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")
MACHINE_PATH = re.compile(r"(/home/|/root/|/tmp/|/Users/|site-packages|\.venv)")


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def text_of(output) -> str:
    """The text an output would show, whatever its kind."""
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return "\n".join(output.traceback)
    data = output.get("data", {})
    kinds = ("text/plain", "text/html", "text/markdown")
    return "\n".join(str(data[k]) for k in kinds if k in data)


def is_ignored(cell) -> bool:
    return "nbval-ignore-output" in cell.metadata.get("tags", [])


def test_there_are_chapters():
    assert CHAPTERS, "book/ holds no chapter notebooks"


def test_every_chapter_is_in_the_toc():
    listed = set(toc_files())
    for path in sorted(BOOK.glob("*.ipynb")) + sorted(BOOK.glob("*.md")):
        assert f"book/{path.stem}" in listed, f"{path.name} is in book/ but not in _toc.yml"


def test_every_toc_entry_exists():
    for entry in toc_files():
        matches = [p for p in (ROOT / entry).parent.glob(f"{(ROOT / entry).name}.*")
                   if p.suffix in {".md", ".ipynb"}]
        assert matches, f"_toc.yml lists {entry}, which has no .md or .ipynb file"


def test_cells_executed_in_order_with_outputs(chapter):
    path, nb = chapter
    counts = [c.execution_count for c in code_cells(nb)]
    assert None not in counts, f"{path.name}: some code cells were never executed"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts are {counts}, not 1..n from one top-to-bottom run"
    )
    with_output = [c for c in code_cells(nb) if c.outputs]
    assert with_output, f"{path.name} stores no outputs, so nbval would compare nothing"


def test_no_errors_stored(chapter):
    path, nb = chapter
    for cell in code_cells(nb):
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}: a stored output is an error"


def test_outputs_hold_no_addresses_or_machine_paths(chapter):
    path, nb = chapter
    for i, cell in enumerate(code_cells(nb), start=1):
        for out in cell.outputs:
            text = text_of(out)
            assert not ADDRESS.search(text), f"{path.name} cell {i}: memory address in output"
            assert not MACHINE_PATH.search(text), f"{path.name} cell {i}: machine path in output"


def test_few_ignored_cells_each_with_a_reason(chapter):
    path, nb = chapter
    ignored = [c for c in code_cells(nb) if is_ignored(c)]
    assert len(ignored) <= MAX_IGNORED_CELLS, f"{path.name}: {len(ignored)} cells skip nbval"
    for cell in ignored:
        # The first line of an ignored cell says why its output cannot be compared.
        assert cell.source.lstrip().startswith("#"), (
            f"{path.name}: an nbval-ignore-output cell must open with a comment saying why"
        )
    for cell in code_cells(nb):
        tags = cell.metadata.get("tags", [])
        assert "nbval-skip" not in tags or "remove-cell" in tags, (
            f"{path.name}: only the hidden Colab set-up cell may be nbval-skip"
        )


def test_printed_output_fits_the_column(chapter):
    """Text a shown cell prints fits the column at 1280 px, as its code does: found here,
    before a build, rather than by the browser check code_scrolls after one."""
    path, nb = chapter
    for i, cell in enumerate(code_cells(nb), start=1):
        if {"remove-output", "remove-cell"} & set(cell.metadata.get("tags", [])):
            continue
        for out in cell.outputs:
            if out.output_type == "stream" or "text/plain" in out.get("data", {}):
                text = out.text if out.output_type == "stream" else out.data["text/plain"]
                wide = [line for line in text.splitlines() if len(line) > WIDTH]
                assert not wide, f"{path.name} cell {i} prints lines over {WIDTH}: {wide[:2]}"
