"""The whole book as one PDF (``make pdf``): a single-page HTML build printed by Chromium.

The route: ``jupyter-book build --builder singlehtml`` from the stored, nbval-checked outputs
(execution off), served from 127.0.0.1 and printed by Debian's Chromium through Playwright once
MathJax has typeset every formula. This is the browser the browser tests already use, so the
PDF needs no further system packages (a LaTeX route would need about 90 Debian packages).

Usage (``make pdf`` runs it, then the PDF's tests):

    python -m bookkit.pipeline.pdf     # _build/pdf/rectified.pdf (or RECTIFIERS_PDF)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import yaml

from .. import settings
from .tools import chromium_missing, jupyter_book, launch, serve, write_config

# Before printing: open every dropdown (solutions, hidden cells' toggles) and wait until
# MathJax has typeset the whole page; report math that MathJax could not typeset.
PREPARE = """
async () => {
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  document.querySelectorAll(".toggle-hidden").forEach(
    e => e.classList.remove("toggle-hidden"));
  if (!window.MathJax || !MathJax.startup) { return "MathJax did not load"; }
  await MathJax.startup.promise;
  await MathJax.typesetPromise();
  const errors = document.querySelectorAll("mjx-merror");
  return errors.length ? errors.length + " formulas failed to typeset" : "";
}
"""

# Print styles: no site chrome, code wrapped instead of cut off at the page edge.
PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm; }
.bd-header, .bd-sidebar-primary, .bd-sidebar-secondary, .bd-footer, .bd-footer-content,
.header-article, .prev-next-area, .bd-header-article, .toggle-button, .headerlink,
.skip-link, #pst-back-to-top, .bd-search, .search-button-field { display: none !important; }
.bd-main .bd-content .bd-article-container { max-width: 100% !important; }
.bd-page-width { max-width: 100% !important; }
pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
div.cell, figure, table, .math { break-inside: avoid; }
h1, h2, h3, h4 { break-after: avoid; }
/* Each page of the book (a "document-" anchor in the single page) starts a new sheet,
   its title as large as a chapter title. */
span[id^="document-"] + section { break-before: page; }
span[id^="document-"] + section > :is(h1, h2, h3):first-child { font-size: 2em; }
"""


def print_pdf(html_dir: Path, pdf: Path) -> None:
    """Print the single page of ``html_dir`` to ``pdf`` with headless Chromium."""
    from playwright.sync_api import sync_playwright

    if missing := chromium_missing():
        raise SystemExit(missing)
    # The single page is the root document of _toc.yml, written to book/intro.html with links
    # relative to the output folder: print a copy from there, with its own links made local.
    root = yaml.safe_load(settings.TOC.read_text())["root"]
    single = (html_dir / f"{root}.html").read_text(encoding="utf-8")
    single = single.replace(f'href="{root}.html#', 'href="#')
    (html_dir / "rectified.html").write_text(single, encoding="utf-8")
    with serve(html_dir) as own, sync_playwright() as pw:
        url = f"{own}rectified.html"
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(settings.PDF_TIMEOUT_MS)
        # Offline like the browser tests: nothing leaves localhost.
        page.route("**/*", lambda route: route.continue_()
                   if route.request.url.startswith(own) else route.abort())
        page.goto(url, wait_until="load")
        page.add_style_tag(content=PRINT_CSS)
        problem = page.evaluate(PREPARE)
        if problem:
            raise SystemExit(f"{url}: {problem}")
        pdf.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(pdf), prefer_css_page_size=True, print_background=True,
            display_header_footer=True, header_template="<span></span>",
            footer_template='<div style="font-size:9px;width:100%;text-align:center">'
                            '<span class="pageNumber"></span></div>',
        )
        browser.close()
    print(f"{pdf}: {pdf.stat().st_size / 1e6:.1f} MB")


def main(argv: list[str]) -> None:
    """The single-page build from the stored outputs, then the print."""
    if argv:
        raise SystemExit(__doc__)
    out = settings.PDF.parent
    shutil.rmtree(out, ignore_errors=True)
    config = write_config(out / "_config.yml", extensions=("bookkit.sphinx_ext.singlehtml",))
    status = jupyter_book(settings.ROOT, "--builder", "singlehtml", "--config", str(config),
                          "--path-output", str(out / "work"))
    if status:
        sys.exit(status)
    (out / "work" / "_build" / "singlehtml").rename(out / "singlehtml")
    shutil.rmtree(out / "work")
    print_pdf(out / "singlehtml", settings.PDF)


if __name__ == "__main__":
    main(sys.argv[1:])
