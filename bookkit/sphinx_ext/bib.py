"""The References page as the text cites it: author-year labels, sorted.

Loaded by ``rectified_html`` (the book's one local extension); chosen with
``bibtex_default_style: rectified`` in ``_config.yml``.

* Labels read like the citations in the text ("Nair and Hinton, 2010"), not
  [1]-[42].
* Two works with the same authors and year get "2026a", "2026b": the suffix
  is added to the entry's year itself, so the citation in the text and the
  label on the References page agree.
* Entries are sorted by that label (authors, then year): alphabetically.
* Titles keep the case they have in ``references.bib``: pybtex's ``plain``
  style lower-cases every title but its first letter, which mangles file
  paths and API names.
"""

from __future__ import annotations

import re
from collections import Counter
from string import ascii_lowercase

from pybtex.backends.plaintext import Backend as PlainText
from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, sentence

SUFFIX = re.compile(r"(?<=\d)[a-z]$")
# One text backend for every name: render_as("text") looks the backend up among all installed
# packages' entry points on every call, which took most of the book's build time.
TEXT = PlainText()


def _names(entry) -> str:
    """The author part of a citation: "Nair", "Nair and Hinton", "He et al."."""
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    last = [" ".join(part.render(TEXT) for part in p.rich_last_names)
            for p in persons]
    if not last:
        return entry.fields.get("key", entry.key)
    if len(last) > 2 or (len(last) == 2 and last[1] == "others"):
        return f"{last[0]} et al."
    return " and ".join(last)


def _year(entry) -> str:
    return entry.fields.get("year", "n.d.")


class AuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            yield f"{_names(entry)}, {_year(entry)}"


class AuthorYearSorting(BaseSortingStyle):
    def sorting_key(self, entry):
        title = entry.fields.get("title", "")
        return (_names(entry).lower(), _year(entry), title.lower())


class RectifiedStyle(PlainStyle):
    default_label_style = AuthorYearLabels
    default_sorting_style = AuthorYearSorting

    def format_title(self, e, which_field, as_sentence=True):
        formatted_title = field(which_field)  # as written, no change of case
        return sentence[formatted_title] if as_sentence else formatted_title


register_plugin("pybtex.style.labels", "rectified_author_year",
                AuthorYearLabels)
register_plugin("pybtex.style.sorting", "rectified_author_year",
                AuthorYearSorting)
register_plugin("pybtex.style.formatting", "rectified", RectifiedStyle)


def add_year_suffixes(app) -> None:
    """Suffix a, b, ... to the years of works with the same authors and year."""
    domain = app.env.get_domain("cite")
    entries = list(domain.bibdata.data.entries.values())
    # idempotent: the parsed data is cached between builds
    for entry in entries:
        if "year" in entry.fields:
            entry.fields["year"] = SUFFIX.sub("", entry.fields["year"])
    entries.sort(key=AuthorYearSorting().sorting_key)
    base = Counter((_names(e), _year(e)) for e in entries)
    seen: Counter = Counter()
    for entry in entries:
        key = (_names(entry), _year(entry))
        if base[key] > 1 and "year" in entry.fields:
            entry.fields["year"] += ascii_lowercase[seen[key]]
            seen[key] += 1


def setup(app):
    # After sphinxcontrib-bibtex's own builder-inited handler has read the .bib
    # file.
    app.connect("builder-inited", add_year_suffixes, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
