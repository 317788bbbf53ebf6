"""The whole book as one PDF (``make pdf``): every chapter, typeset math, no raw markup."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bookkit.settings import ROOT, toc_files

TYPOGRAPHY = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})
RAW = [
    ("raw TeX", re.compile(r"\\(?:begin|end)\{|\$\$|\\frac\b|\\mathrm\b|\\tfrac\b|\\left\b")),
    ("raw MyST fence", re.compile(r"(?:`{3,}|:{3,})\{[\w-]+\}")),
    ("raw MyST role", re.compile(
        r"\{(?:cite(?::[tp])?|eq|numref|ref|doc|glue(?::\w+)?|math|term|download)\}")),
    ("MyST label line", re.compile(r"^\s*\([\w-]+\)=\s*$", re.M)),
]


def title_of(entry: str) -> str:
    """The first heading of a page of the book, as plain text."""
    path = next(p for p in (ROOT / f"{entry}.ipynb", ROOT / f"{entry}.md") if p.is_file())
    if path.suffix == ".ipynb":
        import nbformat

        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
        # YAML front matter may hold comment lines that look like headings.
        text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    heading = re.search(r"^# (.+)$", text, re.M)[1]
    heading = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", heading)
    return normalize(heading.replace("`", ""))


def normalize(text: str) -> str:
    return " ".join(text.translate(TYPOGRAPHY).split())


@pytest.fixture(scope="module")
def pdf_text(pdf_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils", pytrace=False)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
                         check=True, capture_output=True, text=True).stdout
    return out


@pytest.mark.parametrize("entry", toc_files())
def test_every_page_title_is_in_the_pdf(pdf_text, entry):
    assert title_of(entry) in normalize(pdf_text)


def code_text(pdf_path) -> str:
    """The text of every code block of the printed page (a listing may show TeX as code)."""
    import html

    page = Path(pdf_path).parent / "singlehtml" / "rectified.html"
    blocks = re.findall(r"<pre[^>]*>(.*?)</pre>", page.read_text(encoding="utf-8"), re.S)
    return normalize(html.unescape(re.sub(r"<[^>]+>", "", "\n".join(blocks))))


@pytest.mark.parametrize("name,pattern", RAW, ids=[name for name, _ in RAW])
def test_no_raw_markup_in_the_pdf(pdf_path, pdf_text, name, pattern):
    code = code_text(pdf_path)
    found = [line for line in pdf_text.splitlines()
             if pattern.search(line) and normalize(line) not in code]
    assert not found, f"{name} in the PDF outside code blocks: {found[:5]}"


def test_figures_and_equations_are_numbered(pdf_text):
    text = normalize(pdf_text)
    assert re.search(r"Fig\. \d+\.\d+", text)
    assert re.search(r"\(\d+\.\d+\)", text)


def test_the_bibliography_is_in_the_pdf(pdf_text):
    """Every cited key has an entry: the References page lists at least as many years."""
    keys = set()
    for path in (ROOT / "book").glob("*.ipynb"):
        for group in re.findall(r"\{cite(?::[tp])?\}`([^`]+)`", path.read_text(encoding="utf-8")):
            keys.update(k.strip() for k in group.split(","))
    assert keys
    references = pdf_text[pdf_text.rfind(title_of("book/references")):]
    entries = re.findall(r"\b(?:19|20)\d\d[a-z]?\.", references)
    assert len(entries) >= len(keys), f"{len(entries)} entries for {len(keys)} cited keys"


def test_page_count_and_size(pdf_path, capsys):
    info = subprocess.run(["pdfinfo", str(pdf_path)], check=True, capture_output=True,
                          text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    with capsys.disabled():
        print(f"\n{Path(pdf_path).name}: {pages} pages, {pdf_path.stat().st_size / 1e6:.1f} MB")
    assert pages > len(toc_files())
