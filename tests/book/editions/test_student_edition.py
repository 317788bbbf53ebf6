"""The student edition (``make student``): no solution anywhere, everything else kept.

The solutions are read from the source notebooks of ``_toc.yml``; each becomes a set of
fragments (runs of its prose, and its code and output lines that appear nowhere else in the
chapter), and none of them may appear in the student HTML or notebooks.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from bookkit import settings
from bookkit.pipeline.student import (
    BOOKKIT_INSTALL,
    BOOKKIT_INSTALL_GRADING,
    ROOT,
    chapter_notebooks,
    solution_blocks,
    strip_solutions,
)

BLOCKS = solution_blocks()
CHAPTERS = chapter_notebooks()
NOTEBOOK_IDS = [path.stem for path in CHAPTERS]
TYPOGRAPHY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u2212": "-"})
MARKUP = [
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links: keep the text
    (re.compile(r"\{[\w:-]+\}`[^`]*`"), "|"),  # roles: {cite}`key`, {glue:text}`x`
    (re.compile(r"`[^`]*`"), "|"),  # inline code
    (re.compile(r"\$\$.*?\$\$|\$[^$]*\$", re.S), "|"),  # math
    (re.compile(r"[*_]{1,2}(?=\w)|(?<=\w)[*_]{1,2}"), ""),  # emphasis
]
MIN_WORDS = 6
MIN_CODE = 25


def normalize(text: str) -> str:
    return " ".join(text.translate(TYPOGRAPHY).split())


def split_markdown(markdown: str) -> tuple[str, list[str]]:
    """Markdown prose with markup replaced by ``|``, and the lines of its fenced code."""
    prose, code = [], []
    fence = None
    for line in markdown.splitlines():
        opening = re.match(r"^\s*(`{3,}|:{3,})", line)
        if opening and fence is None:
            fence = opening[1]
            prose.append("|")
            continue
        if fence is not None:
            if line.strip() and set(line.strip()) == {fence[0]} and len(line.strip()) >= len(fence):
                fence = None
            else:
                code.append(line)
            continue
        if not line.strip():
            prose.append("|")  # a paragraph break
        elif not re.match(r"^\s*:\w[\w-]*:", line):  # directive options
            prose.append(re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "|", line))  # list items
    text = "\n".join(prose)
    for pattern, replacement in MARKUP:
        text = pattern.sub(replacement, text)
    return normalize(text), code


def plain(markdown: str) -> str:
    return split_markdown(markdown)[0]


def code_lines(markdown_or_code: str) -> list[str]:
    return [line.strip() for line in markdown_or_code.splitlines() if len(line.strip()) >= MIN_CODE]


def _output_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        for mime, value in output.get("data", {}).items():
            if mime.startswith("text/"):
                parts.append(value if isinstance(value, str) else "".join(value))
    return "\n".join(parts)


def _images(cell) -> set[str]:
    return {hashlib.sha256(value.encode()).hexdigest()
            for output in cell.get("outputs", [])
            for mime, value in output.get("data", {}).items() if mime.startswith("image/")}


def _source_cells(block):
    """The code cells of ``block`` in its source notebook (matched by their source)."""
    nb = nbformat.read(ROOT / "book" / block.notebook, as_version=4)
    return [cell for cell in nb.cells if cell.cell_type == "code" and cell.source in block.code]


def _rest_of_chapter(name: str) -> str:
    """The chapter without its solutions, as plain text, for telling solution lines apart."""
    nb, _ = strip_solutions(nbformat.read(ROOT / "book" / name, as_version=4), name)
    return normalize("\n".join(c.source + "\n" + _output_text(c) for c in nb.cells))


def fragments(block) -> list[str]:
    """Text that belongs to this solution only: prose runs, code and output lines."""
    rest = _rest_of_chapter(block.notebook)
    prose = [
        piece.strip().replace("**", "")  # bold markers are not in the rendered text
        for piece in plain("\n".join(block.markdown)).split("|")
        if len(piece.split()) >= MIN_WORDS
    ]
    lines = code_lines("\n".join(split_markdown("\n".join(block.markdown))[1]))
    # A hidden cell (a claim) is part of the solution but shows on no page: skip its text.
    shown = [cell for cell in _source_cells(block)
             if not {"remove-cell", "remove-input"} & set(cell.metadata.get("tags", []))]
    for cell in shown:
        lines += code_lines(cell.source)
    for cell in shown:
        lines += code_lines(_output_text(cell))
    lines = [normalize(line) for line in lines]
    return prose + [line for line in dict.fromkeys(lines) if line not in rest]


FRAGMENTS = {f"{b.notebook}:{b.target}": fragments(b) for b in BLOCKS}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return normalize("".join(parser.parts))


@functools.cache
def _student_html_texts(student_dir: Path) -> dict[str, str]:
    """Every text file of the student site: pages, page sources, search index (read once)."""
    texts = {}
    for path in sorted((student_dir / "html").rglob("*")):
        if path.suffix in (".html", ".ipynb", ".md", ".txt", ".js") and "_static" not in path.parts:
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".html":
                texts[str(path)] = html_text(path)
            else:
                texts[str(path)] = normalize(html.unescape(text))
    return texts


def test_every_solution_of_the_sources_is_found():
    """Each {solution} / {solution-start} directive is one block with text to look for."""
    directives = 0
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        directives += sum(
            len(re.findall(r"^\s*(?:`{3,}|:{3,})\{solution(?:-start)?\}", c.source, re.M))
            for c in nb.cells if c.cell_type == "markdown")
    assert directives > 0, "no solutions in the chapters: nothing to check"
    assert len(BLOCKS) == directives
    for name, found in FRAGMENTS.items():
        assert found, f"{name}: no text to look for"


@pytest.mark.parametrize("name", FRAGMENTS)
def test_no_solution_text_in_the_student_html(student_dir, name):
    texts = _student_html_texts(student_dir)
    for fragment in FRAGMENTS[name]:
        leaks = [page for page, text in texts.items() if fragment in text]
        assert not leaks, f"solution {name} shows in {leaks}: {fragment!r}"


def test_the_fragments_are_found_in_the_full_html():
    """Control: the same fragments are on the pages of the full book.

    The full book is ``_build/html`` (``make book``) or the single page of ``make pdf``.
    """
    full = ROOT / "_build" / "html"
    single = ROOT / "_build" / "pdf" / "singlehtml" / "rectified.html"
    if not (full / "index.html").is_file() and not single.is_file():
        pytest.skip("no full HTML build (_build/html or _build/pdf/singlehtml) to compare with")
    for block in BLOCKS:
        page = full / "book" / Path(block.notebook).with_suffix(".html")
        page = page if page.is_file() else single
        text = html_text(page)
        missing = [f for f in FRAGMENTS[f"{block.notebook}:{block.target}"] if f not in text]
        assert not missing, f"{block.notebook}:{block.target} not found in {page}: {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=NOTEBOOK_IDS)
def test_no_solution_in_the_student_notebook(student_dir, path):
    student = nbformat.read(student_dir / "notebooks" / path.name, as_version=4)
    text = normalize("\n".join(
        (plain(c.source) + "\n" + c.source if c.cell_type == "markdown" else c.source)
        + "\n" + _output_text(c) for c in student.cells))
    images = set().union(*(_images(c) for c in student.cells))
    for block in BLOCKS:
        if block.notebook != path.name:
            continue
        for fragment in FRAGMENTS[f"{block.notebook}:{block.target}"]:
            assert fragment not in text, f"solution {block.target} in {path.name}: {fragment!r}"
        for cell in _source_cells(block):
            assert not (_images(cell) & images), f"a figure of solution {block.target} is kept"
    assert not re.search(r"\{solution(-start|-end)?\}", text)


@pytest.mark.parametrize("path", CHAPTERS, ids=NOTEBOOK_IDS)
def test_student_notebook_keeps_the_other_cells_and_outputs(student_dir, path):
    source = nbformat.read(path, as_version=4)
    student = nbformat.read(student_dir / "notebooks" / path.name, as_version=4)
    solution_code = {code for b in BLOCKS if b.notebook == path.name for code in b.code}
    expected = [c for c in source.cells if c.cell_type == "code" and c.source not in solution_code]
    # The answer and check cells of the checks are the edition's own (metadata.rectified).
    kept = [c for c in student.cells if c.cell_type == "code" and "rectified" not in c.metadata]
    # The set-up cell installs the book's code with its grading extra (the checks' needs).
    assert [c.source for c in kept] == [
        c.source.replace(BOOKKIT_INSTALL, BOOKKIT_INSTALL_GRADING) for c in expected]
    assert [c.outputs for c in kept] == [c.outputs for c in expected]
    labels = re.findall(r":label: (\S+)", "\n".join(
        c.source for c in source.cells if c.cell_type == "markdown" and "{exercise" in c.source))
    for label in labels:
        assert f":label: {label}" in "\n".join(c.source for c in student.cells)


@pytest.mark.parametrize("path", CHAPTERS, ids=NOTEBOOK_IDS)
def test_student_html_keeps_the_numbered_exercises(student_dir, path):
    page = student_dir / "html" / "book" / path.with_suffix(".html").name
    text = page.read_text(encoding="utf-8")
    source = path.read_text(encoding="utf-8")
    labels = re.findall(r":label: (ex-[\w-]+)", source)
    for label in labels:
        assert f'id="{label}"' in text, f"exercise {label} is missing from {page}"
    assert len(set(re.findall(r"Exercise \d+\.\d+", text))) == len(labels)
    assert 'class="solution' not in text


@pytest.fixture(scope="session")
def student_runs(request, student_dir) -> dict:
    """The student notebooks of the selected tests executed top to bottom, each in its own
    kernel, as many at a time as there are cores (largest first, as ``make nbval`` runs the
    chapters): the notebook with its new outputs, or the error it raised, by file name."""
    from nbclient import NotebookClient

    async def run(path: Path, slots: asyncio.Semaphore):
        async with slots:
            nb = nbformat.read(student_dir / "notebooks" / path.name, as_version=4)
            # Run where the chapter runs, so relative paths resolve as in the book.
            await NotebookClient(nb, timeout=settings.cell_timeout(), kernel_name="python3",
                                 record_timing=False,
                                 resources={"metadata": {"path": str(ROOT / "book")}},
                                 ).async_execute()
            return nb

    async def run_all() -> dict:
        slots = asyncio.Semaphore(settings.PARALLEL)
        paths = sorted({test.callspec.params["path"] for test in request.session.items
                        if getattr(test, "originalname", "") == RUNS_TOP_TO_BOTTOM},
                       key=lambda path: path.stat().st_size, reverse=True)
        done = await asyncio.gather(*(run(path, slots) for path in paths),
                                    return_exceptions=True)
        return {path.name: nb for path, nb in zip(paths, done, strict=True)}

    return asyncio.run(run_all())


RUNS_TOP_TO_BOTTOM = "test_student_notebook_runs_top_to_bottom"


@pytest.mark.parametrize("path", CHAPTERS, ids=NOTEBOOK_IDS)
def test_student_notebook_runs_top_to_bottom(student_runs, path):
    nb = student_runs[path.name]
    if isinstance(nb, BaseException):
        raise nb
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    # Unanswered, every check says so instead of failing.
    checks = [c for c in nb.cells if "check" in c.metadata.get("rectified", {})]
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs)
        assert "not attempted" in text, (cell.metadata["rectified"], text)
