"""Source the chapters show with ``literalinclude`` fits the text column: at most 80 columns.

The browser check code_scrolls measures the rendered page; this finds the long line before a
build, in the file it comes from."""

from __future__ import annotations

import ast
import re

import pytest
from conftest import BOOK, CHAPTERS, WIDTH

INCLUDE = re.compile(r"```\{literalinclude\} (?P<path>\S+)\n(?P<options>(?::[^\n]*\n)*)")


def shown_objects():
    import nbformat

    for path in CHAPTERS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            for m in INCLUDE.finditer(cell.source):
                obj = re.search(r":pyobject: (\S+)", m["options"])
                lines = re.search(r":lines: (\d+)-(\d+)", m["options"])
                ends = (re.search(r":start-at: (.*)", m["options"]),
                        re.search(r":end-at: (.*)", m["options"]))
                span = lines or (ends if all(ends) else None)
                yield path.stem, (BOOK / m["path"]).resolve(), obj and obj[1], span


def source_lines(file, name, span):
    text = file.read_text().splitlines()
    if isinstance(span, tuple):  # :start-at: and :end-at: (a value may be quoted)
        first, last = (m[1].strip().strip('"') for m in span)
        start = next(i for i, line in enumerate(text) if first in line)
        end = next(i for i, line in enumerate(text) if i >= start and last in line)
        return text[start:end + 1]
    if span:
        return text[int(span[1]) - 1:int(span[2])]
    if not name:
        return text
    for node in ast.walk(ast.parse("\n".join(text))):
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name.split(".")[-1]:
            return text[node.lineno - 1 - len(node.decorator_list):node.end_lineno]
    raise LookupError(f"{name} not found in {file}")


CASES = list(shown_objects())


@pytest.mark.parametrize("chapter, file, name, lines", CASES,
                         ids=[f"{c}:{f.name}:{n or 'lines'}" for c, f, n, _ in CASES])
def test_shown_source_fits_the_column(chapter, file, name, lines):
    shown = source_lines(file, name, lines)
    assert shown, f"{chapter}: nothing shown from {file.name}"
    wide = [line for line in shown if len(line) > WIDTH]
    assert not wide, f"{chapter} shows {file.name}:{name} with lines over {WIDTH}: {wide}"
