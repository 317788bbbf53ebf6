"""Sphinx fixes for the HTML of the book, loaded through
``sphinx.extra_extensions`` in ``_config.yml``.

1. Sphinx 7.4 hands an inline script to the HTML builder with the file name
   ``None`` and, when the builder collects the registered scripts again, with
   ``""``; the two copies are not seen as one, so every page declares
   sphinx-thebe's ``const THEBE_JS_URL`` twice and the browser reports a
   SyntaxError (fixed upstream in Sphinx 8.2, which jupyter-book 1 cannot
   use).

2. pydata-sphinx-theme 0.17 puts its search field into ``navbar_persistent``
   unless the project sets that option itself; jupyter-book passes its own
   theme options, so the book theme's empty default is lost. The result is an
   extra header bar with a second search box, whose hidden
   ``.primary-toggle``/``.secondary-toggle`` buttons come first in the page:
   both themes bind their click handlers with ``document.querySelector``,
   i.e. to those hidden buttons, so the visible toggles do nothing
   (pydata-sphinx-theme issue 2451, sphinx-book-theme issues 917 and 988).
   With ``navbar_persistent`` empty there is no header bar, and the visible
   buttons are the ones that get the handlers.

3. docutils marks the bibliography ``role="list"`` but its entries
   ``role="doc-biblioentry"`` (a deprecated role that is no list item):
   axe-core reports a critical ``aria-required-children``. The entries become
   ``role="listitem"``.

4. A page whose front matter says ``no_launch_buttons: true`` (the status
   page) shows no Binder/Colab launch menu and no download menu: there is
   nothing to run or download there.

5. Search snippets from the prose (``_static/rectified-search.js``).

6. The book's stylesheet ``_static/rectified.css`` (dark-mode code cells,
   contrast).

7. A tap or a click on a figure opens its PNG at full resolution (twice the
   size it is shown at): Sphinx links an image to its file only when the
   image has a width or a scale (``html_scaled_image_link``), which a glued
   figure has from its retina metadata and an inline one may not. Every image
   of a figure or a cell output that is not in a link yet gets one; the
   image's alt text names the link.
"""

from __future__ import annotations

from .. import settings

STATIC = settings.BOOK / "_static"


def _one_name_for_inline_scripts(app) -> None:
    add_js_file = getattr(app.builder, "add_js_file", None)
    if add_js_file is None:  # not an HTML builder
        return

    def add_js_file_once(filename, **kwargs):
        # "" for every inline script, so the builder's duplicate check sees the
        # copies as equal.
        add_js_file(filename or "", **kwargs)

    app.builder.add_js_file = add_js_file_once


def _no_header_navbar(app, config) -> None:
    options = dict(config.html_theme_options or {})
    options.setdefault("navbar_persistent", [])
    config.html_theme_options = options


def _add_static(app) -> None:
    if app.builder.format != "html":
        return
    if str(STATIC) not in [str(p) for p in app.config.html_static_path]:
        app.config.html_static_path.append(str(STATIC))
    app.add_css_file("rectified.css")
    # After searchtools.js (a classic script on search.html): wraps snippets.
    app.add_js_file("rectified-search.js", loading_method="defer")


def _bibliography_list_items(app, pagename, templatename, context, doctree):
    body = context.get("body", "")
    if 'class="citation-list"' in body:
        context["body"] = body.replace('role="doc-biblioentry"',
                                       'role="listitem"')


def _no_launch_buttons(app, pagename, templatename, context, doctree):
    if not app.env.metadata.get(pagename, {}).get("no_launch_buttons"):
        return
    context["header_buttons"] = [
        b for b in context.get("header_buttons", [])
        if b.get("label") not in {"launch-buttons", "download-buttons"}
    ]


def _link_figures_to_their_files(app, doctree, docname) -> None:
    if app.builder.format != "html":
        return
    from docutils import nodes
    from sphinx.util.osutil import relative_uri

    images = relative_uri(app.builder.get_target_uri(docname), "_images")
    for image in list(doctree.findall(nodes.image)):
        if isinstance(image.parent, nodes.reference):
            continue
        in_output = any("cell_output" in getattr(a, "get", lambda *_: [])("classes", [])
                        for a in _ancestors(image))
        if not (isinstance(image.parent, nodes.figure) or in_output):
            continue
        uri = image["uri"]
        known = app.env.images.get(uri)
        reference = nodes.reference("", "", internal=True, classes=["image-reference"],
                                    refuri=f"{images}/{known[1]}" if known else uri)
        image.replace_self(reference)
        reference.append(image)


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def setup(app):
    # the References page (bookkit/sphinx_ext/bib.py)
    app.setup_extension("bookkit.sphinx_ext.bib")
    app.connect("config-inited", _no_header_navbar)
    # Before any other builder-inited handler adds its inline script.
    app.connect("builder-inited", _one_name_for_inline_scripts, priority=0)
    app.connect("builder-inited", _add_static)
    app.connect("html-page-context", _bibliography_list_items)
    # Before Sphinx's own image links (post_process_images, after this event): an image it
    # links already is skipped here, and one linked here is skipped there.
    app.connect("doctree-resolved", _link_figures_to_their_files)
    # After the book theme has added its buttons (its handlers run at priority
    # 501).
    app.connect("html-page-context", _no_launch_buttons, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
