"""The built book loads nothing from another host (no browser needed: reads the HTML and CSS).

Links a reader clicks (launch buttons, the repository, cited papers) may point anywhere; what
the page itself loads (scripts, styles, fonts, images, frames) must come from the book, so that
it works from a USB stick. The browser tests check the same thing at run time.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

# (tag, attribute) pairs whose URL the browser fetches while loading the page.
LOADED = [("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
          ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"),
          ("audio", "src"), ("embed", "src"), ("object", "data"), ("input", "src")]
# <link rel=...> kinds that fetch their href (a rel="canonical" or "next" does not).
FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon",
                 "shortcut", "apple-touch-icon", "manifest", "preconnect", "dns-prefetch"}
CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""")


def remote(url: str) -> bool:
    """True for an absolute or protocol-relative URL to a host other than localhost."""
    parts = urlsplit(url.strip())
    return bool(parts.netloc) and parts.hostname not in {"localhost", "127.0.0.1"}


def remote_loads(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag, attribute in LOADED:
        for element in soup.find_all(tag, attrs={attribute: True}):
            urls = [part.split()[0] for part in element[attribute].split(",") if part.strip()]
            found += [f"<{tag} {attribute}={u}>" for u in urls if remote(u)]
    for link in soup.find_all("link", href=True):
        rels = {r.lower() for r in link.get("rel", [])}
        if rels & FETCHING_RELS and remote(link["href"]):
            found.append(f"<link rel={' '.join(sorted(rels))} href={link['href']}>")
    for style in soup.find_all("style"):
        found += [f"<style> {u}" for u in CSS_URL.findall(style.get_text())]
    for element in soup.find_all(style=True):
        found += [f"style= {u}" for u in CSS_URL.findall(element["style"])]
    return found


def test_the_book_has_pages(html_dir):
    assert list(html_dir.rglob("*.html")), f"no HTML pages in {html_dir}"


def test_no_page_loads_anything_from_another_host(html_dir):
    offenders = {}
    for page in sorted(html_dir.rglob("*.html")):
        found = remote_loads(page.read_text(encoding="utf-8", errors="replace"))
        if found:
            offenders[str(page.relative_to(html_dir))] = found
    assert not offenders, f"pages that load from other hosts: {offenders}"


def test_no_stylesheet_loads_fonts_or_images_from_another_host(html_dir):
    offenders = {}
    for sheet in sorted(html_dir.rglob("*.css")):
        found = CSS_URL.findall(sheet.read_text(encoding="utf-8", errors="replace"))
        if found:
            offenders[str(sheet.relative_to(html_dir))] = found
    assert not offenders, f"stylesheets that load from other hosts: {offenders}"


def test_mathjax_is_served_by_the_book(html_dir):
    pages_with_math = [p for p in html_dir.rglob("*.html")
                       if 'class="math' in p.read_text(encoding="utf-8", errors="replace")]
    assert pages_with_math, "no page has math; the MathJax check would be vacuous"
    for page in pages_with_math:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        scripts = [s["src"] for s in soup.find_all("script", src=True) if "mathjax" in s["src"]]
        assert scripts, f"{page.name} has math but loads no MathJax"
        for src in scripts:
            assert not remote(src), f"{page.name} loads MathJax from {src}"
            assert (page.parent / src.split("?")[0]).resolve().is_file(), (
                f"{page.name} loads MathJax from {src}, which is not in the built book"
            )
    fonts = html_dir / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert list(fonts.glob("*.woff")), f"MathJax's fonts are not in {fonts}"
