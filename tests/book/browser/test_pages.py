"""Every page of the built book, opened in headless Chromium as a reader would open it.

Each page is visited once per session (the visit is shared by the checks below): it must load
without console errors or failed requests, ask nothing of any other host, show every image,
and have every formula typeset by the book's own MathJax. The same visit opens the page three
times, as a reader would see it: 1280 px light, 1280 px dark and 390 px (a phone), runs the
checks of ``checks.py`` on what is on the screen (raw markup, formulas that do not fit, code
that scrolls, figures, their text size at both widths and their links, search boxes, the
navigation buttons, the bibliography, axe-core), and
saves a full-page screenshot of each to ``_build/screenshots`` (``<page>.png``,
``<page>.dark.png``, ``<page>.phone.png``): of every page with ``RECTIFIERS_SCREENSHOTS=1``
(``make screenshots``), otherwise only where a check failed. The search page and the solution
dropdowns are exercised separately.

All this browser work is queued when the first test needs it and done by two Chromiums side by
side (``RECTIFIERS_BROWSER_WORKERS``); each test then waits for the result it checks.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import checks
import pytest
from book_site import HTML_DIR, SCREENSHOTS, chapter_pages, toc_pages
from bs4 import BeautifulSoup

PAGES = [*toc_pages(), "genindex.html", "search.html"]
CHAPTERS = chapter_pages()

# Resolves once MathJax has typeset the page; reports what it could not typeset.
MATHJAX_DONE = """async () => {
  const maths = () => Array.from(document.querySelectorAll('.math'));
  if (maths().length === 0) return {status: 'no math', count: 0, untypeset: [], errors: []};
  const mj = window.MathJax;
  if (!mj || !mj.startup || !mj.startup.promise) {
    return {status: 'MathJax did not load', count: maths().length, untypeset: [], errors: []};
  }
  const finished = await Promise.race([
    mj.startup.promise.then(() => true),
    new Promise(done => setTimeout(() => done(false), 20000)),
  ]);
  if (!finished) {
    return {status: 'MathJax did not finish in 20 s', count: maths().length, untypeset: [],
            errors: []};
  }
  return {
    status: 'typeset',
    count: maths().length,
    untypeset: maths().filter(m => !m.querySelector('mjx-container'))
                      .map(m => m.textContent.trim().slice(0, 80)),
    errors: Array.from(document.querySelectorAll('mjx-merror'))
                 .map(e => e.getAttribute('data-mjx-error') || e.textContent),
  };
}"""

# Loads lazy images too, waits (bounded) for all of them, and reports their natural sizes.
IMAGES_LOADED = """async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(img => { img.loading = 'eager'; });
  const settled = imgs.map(img => img.complete ? Promise.resolve() : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done);
  }));
  await Promise.race([Promise.all(settled), new Promise(done => setTimeout(done, 15000))]);
  return imgs.map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth}));
}"""

# Text outside code that still holds TeX delimiters, i.e. math that MathJax never saw.
RAW_TEX = r"""() => {
  const skip = 'script, style, noscript, template, pre, code, textarea, mjx-container';
  const tex = /\\\(|\\\[|\$\$|\\begin\{/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement && node.parentElement.closest(skip)) continue;
    if (tex.test(node.textContent)) found.push(node.textContent.trim().slice(0, 120));
  }
  return found;
}"""


@dataclass
class Visit:
    """What one page load showed."""

    path: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    raw_tex: list[str] = field(default_factory=list)
    # check name -> problems found (see checks.py); absent when the page has no such content
    problems: dict[str, list[str]] = field(default_factory=dict)


def open_page(context, url, visit: Visit):
    """A new tab on ``url`` whose console errors and failed requests are recorded in ``visit``."""
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and visit.console_errors.append(
        f"{msg.text} ({msg.location.get('url', '')}:{msg.location.get('lineNumber', '')})"))
    page.on("pageerror", lambda err: visit.console_errors.append(f"uncaught: {err}"))
    page.on("response", lambda r: r.status >= 400 and visit.failed_requests.append(
        f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: visit.failed_requests.append(
        f"{r.failure} {r.url}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    return page


def visit_page(context, base_url: str, screenshot_dir: Path, path: str) -> Visit:
    """Load ``path``, check it at 1280 px light and dark and at 390 px, screenshot it."""
    result = Visit(path)
    first_external = len(context.external_requests)
    page = open_page(context, base_url + path, result)
    stem = path.removesuffix(".html").replace("/", "_")
    try:
        result.math = page.evaluate(MATHJAX_DONE)
        result.images = page.evaluate(IMAGES_LOADED)
        result.raw_tex = page.evaluate(RAW_TEX)
        page.wait_for_load_state("networkidle")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        for mode, suffix in [("desktop", ""), ("dark", ".dark"), ("phone", ".phone")]:
            if mode == "dark":
                checks.set_dark(page, True)
            elif mode == "phone":
                checks.set_dark(page, False)
                page.set_viewport_size(checks.PHONE)
                checks.settle(page, 300)
            shot = screenshot_dir / f"{stem}{suffix}.png"
            if SCREENSHOTS:
                page.screenshot(path=str(shot), full_page=True)
            failed = run_checks(page, path, mode, result.problems)
            if not SCREENSHOTS and (failed or result.console_errors or result.failed_requests):
                page.screenshot(path=str(shot), full_page=True)  # what the failure looks like
    finally:
        page.close()
    result.external_requests = context.external_requests[first_external:]
    return result


@functools.cache
def content(path: str) -> set[str]:
    """What the built HTML of ``path`` holds, read without a browser: the checks that need an
    element run only where the page has it, and there an empty selector fails the check."""
    file = HTML_DIR / path
    if not file.is_file():
        return set()
    soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article") or soup
    has = set()
    if article.select("div.math"):
        has.add("display math")
    if article.select("div.cell_input, div[class*=highlight-]"):
        has.add("code")
    if article.select("img"):
        has.add("figures")
    if article.select(".citation"):
        has.add("bibliography")
    return has


# check name -> (mode, function, the content it needs or None for every page)
CHECKS = {
    "raw_markup": ("desktop", checks.raw_markup, None),
    "math_wider_than_column": ("desktop", checks.math_wider_than_column, "display math"),
    "code_scrolls": ("desktop", checks.code_scrolls, "code"),
    "figures": ("desktop", checks.figures, "figures"),
    "figure_text": ("desktop", checks.figure_text, "figures"),
    "figure_links": ("desktop", checks.figure_links, "figures"),
    "search_boxes": ("desktop", checks.search_boxes, None),
    "bibliography_labels": ("desktop", checks.bibliography_labels, "bibliography"),
    "axe_light": ("desktop", checks.accessibility, None),
    "desktop_sidebar_collapses": ("desktop", checks.desktop_sidebar_collapses, None),
    "axe_dark": ("dark", checks.accessibility, None),
    "math_clipped_phone": ("phone", checks.math_clipped, "display math"),
    "search_boxes_phone": ("phone", checks.search_boxes, None),
    "figure_text_phone": ("phone", checks.figure_text, "figures"),
    "phone_navigation": ("phone", checks.phone_navigation, None),
    "page_fits_phone": ("phone", checks.page_fits_phone, None),
}
# What every chapter must have, so that a chapter cannot pass a check by lacking the content.
CHAPTER_CONTENT = {"display math", "code", "figures"}


def run_checks(page, path: str, mode: str, problems: dict) -> bool:
    """Run the checks of ``mode`` into ``problems``; True when one of them found a problem."""
    has = content(path)
    failed = False
    for name, (when, check, needs) in CHECKS.items():
        if when == mode and (needs is None or needs in has):
            try:
                problems[name] = check(page)
            except Exception as error:  # one broken check must not hide the others
                problems[name] = [f"the check raised {type(error).__name__}: {error}"]
            failed = failed or bool(problems[name])
    return failed


def search(context, base_url: str, screenshot_dir: Path, query: str):
    """The links the search page lists for ``query``, and that page's visit."""
    visit = Visit(f"search.html?q={query}")
    page = open_page(context, base_url + visit.path, visit)
    try:
        page.wait_for_function("""() => {
          const s = document.querySelector('#search-results .search-summary');
          return s && /Search finished|did not match/.test(s.textContent);
        }""")
        hrefs = page.eval_on_selector_all("#search-results ul.search li a",
                                          "links => links.map(a => a.href)")
        if SCREENSHOTS:
            page.screenshot(path=str(screenshot_dir / f"search_{query}.png"), full_page=True)
    finally:
        page.close()
    return hrefs, visit


def open_solutions(context, base_url: str, path: str) -> Visit:
    """Click every solution dropdown of ``path``: each opens, none is shown before."""
    visit = Visit(path)
    page = open_page(context, base_url + path, visit)
    try:
        solutions = page.locator(".solution.dropdown")
        count = solutions.count()
        assert count > 0, f"{path}: no solution dropdown (every chapter has exercises)"
        for i in range(count):
            solution = solutions.nth(i)
            body = solution.locator(":scope > :not(.admonition-title)").first
            solution.scroll_into_view_if_needed()
            assert not body.is_visible(), f"{path}: solution {i + 1} is shown before a click"
            solution.locator(".toggle-button").click()
            body.wait_for(state="visible")
            assert "toggle-hidden" not in (solution.get_attribute("class") or "")
    finally:
        page.close()
    return visit


SEARCH_QUERY = "leaky"


def browser_job(test) -> tuple | None:
    """The browser job a collected test of this module needs: (kind, what)."""
    if getattr(test, "module", None) is None or test.module.__name__ != __name__:
        return None
    path = test.callspec.params.get("path") if hasattr(test, "callspec") else None
    if "visit" in test.fixturenames:
        return ("visit", path)
    if test.originalname == "test_solution_dropdowns_open_on_click":
        return ("solutions", path)
    if test.originalname == "test_search_finds_the_leaky_relu_chapter":
        return ("search", SEARCH_QUERY)
    return None


@pytest.fixture(scope="session")
def browser_jobs(request, run_in_chromium, base_url, screenshot_dir):
    """``browser_jobs(key)``: the result of one browser job. Every job that the selected tests
    need is queued, in the order of the tests, when the first of them asks for its result."""
    make = {
        "visit": lambda context, what: visit_page(context, base_url, screenshot_dir, what),
        "solutions": lambda context, what: open_solutions(context, base_url, what),
        "search": lambda context, what: search(context, base_url, screenshot_dir, what),
    }
    jobs = {}
    for test in request.session.items:
        if (key := browser_job(test)) and key not in jobs:
            jobs[key] = functools.partial(make[key[0]], what=key[1])
    return run_in_chromium(jobs).result


@pytest.fixture(scope="session")
def visit(browser_jobs):
    """``visit(path)``: what loading, checking and screenshotting ``path`` found (once)."""
    return lambda path: browser_jobs(("visit", path))


def test_every_toc_page_was_built(html_dir):
    missing = [p for p in toc_pages() if not (html_dir / p).is_file()]
    assert not missing, f"pages listed in _toc.yml but not in {html_dir}: {missing}"


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors(visit, path):
    result = visit(path)
    assert not result.console_errors, f"{path}: console errors: {result.console_errors}"
    assert not result.failed_requests, f"{path}: failed requests: {result.failed_requests}"


@pytest.mark.parametrize("path", PAGES)
def test_page_requests_nothing_from_other_hosts(visit, path):
    result = visit(path)
    assert not result.external_requests, (
        f"{path} asked other hosts for {result.external_requests}; the book must work offline"
    )


@pytest.mark.parametrize("path", PAGES)
def test_every_image_has_loaded(visit, path):
    result = visit(path)
    broken = [img["src"] for img in result.images if img["width"] == 0]
    assert not broken, f"{path}: images that did not load: {broken}"
    if path in CHAPTERS:
        assert result.images, f"{path}: a chapter with no figure"


@pytest.mark.parametrize("path", PAGES)
def test_mathjax_typeset_every_formula(visit, path):
    result = visit(path)
    math = result.math
    assert math["status"] in {"typeset", "no math"}, f"{path}: {math['status']}"
    assert not math["untypeset"], f"{path}: formulas MathJax did not typeset: {math['untypeset']}"
    assert not math["errors"], f"{path}: MathJax errors: {math['errors']}"
    assert not result.raw_tex, f"{path}: raw TeX left in the text: {result.raw_tex}"
    if path in CHAPTERS:
        assert math["count"] > 0, f"{path}: a chapter with no formula"


def page_title(html_dir: Path, path: str) -> str:
    h1 = BeautifulSoup((html_dir / path).read_text(encoding="utf-8"), "html.parser").find("h1")
    return h1.get_text(" ", strip=True) if h1 else ""


def test_search_finds_the_leaky_relu_chapter(browser_jobs, base_url, html_dir):
    leaky = [p for p in CHAPTERS if SEARCH_QUERY in page_title(html_dir, p).lower()]
    assert leaky, (f"no chapter in _toc.yml has 'Leaky' in its title: {CHAPTERS}; "
                   "the book should have a chapter on Leaky ReLU")
    hrefs, visit = browser_jobs(("search", SEARCH_QUERY))
    found = {urlsplit(urljoin(base_url, h)).path.lstrip("/") for h in hrefs}
    assert set(leaky) & found, f"searching 'leaky' found {sorted(found)}, not {leaky}"
    assert not visit.console_errors, f"search page console errors: {visit.console_errors}"


@pytest.mark.parametrize("path", CHAPTERS)
def test_solution_dropdowns_open_on_click(browser_jobs, path):
    visit = browser_jobs(("solutions", path))
    assert not visit.console_errors, f"{path}: console errors: {visit.console_errors}"


@pytest.mark.parametrize("path", CHAPTERS)
def test_chapter_has_what_the_checks_look_at(path):
    missing = CHAPTER_CONTENT - content(path)
    assert not missing, f"{path}: a chapter without {sorted(missing)}"


def test_references_page_has_a_bibliography():
    pages = [p for p in toc_pages() if Path(p).stem == "references"]
    assert pages, "no references page in _toc.yml"
    assert "bibliography" in content(pages[0]), f"{pages[0]}: no bibliography in the HTML"


@pytest.mark.parametrize("name", CHECKS)
@pytest.mark.parametrize("path", PAGES)
def test_what_the_reader_sees(visit, path, name):
    """One test per page and check (checks.py says what each one looks for)."""
    result = visit(path)
    needs = CHECKS[name][2]
    if name not in result.problems:
        assert needs and needs not in content(path), f"{path}: check {name} did not run"
        pytest.skip(f"{path} has no {needs}")
    problems = result.problems[name]
    assert not problems, f"{path}: {name}:\n  " + "\n  ".join(problems)
