"""Sphinx fixes for the HTML of the book, loaded through ``sphinx.local_extensions``.

Sphinx 7.4 hands an inline script to the HTML builder with the file name ``None`` and, when
the builder collects the registered scripts again, with ``""``; the two copies are not seen
as one, so every page declares sphinx-thebe's ``const THEBE_JS_URL`` twice and the browser
reports a SyntaxError (fixed upstream in Sphinx 8.2, which jupyter-book 1 cannot use).
"""

from __future__ import annotations


def _one_name_for_inline_scripts(app) -> None:
    add_js_file = getattr(app.builder, "add_js_file", None)
    if add_js_file is None:  # not an HTML builder
        return

    def add_js_file_once(filename, **kwargs):
        # "" for every inline script, so the builder's duplicate check sees the copies as equal.
        add_js_file(filename or "", **kwargs)

    app.builder.add_js_file = add_js_file_once


def setup(app):
    # Before any other builder-inited handler adds its inline script.
    app.connect("builder-inited", _one_name_for_inline_scripts, priority=0)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
