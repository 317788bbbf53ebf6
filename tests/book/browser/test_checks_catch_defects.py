"""Each check of ``checks.py`` fails on a page that has its defect, and passes on one without it.

The pages are small hand-written HTML files in ``fixtures/``, one per defect (``*_bad.html``)
and its repaired twin (``*_good.html``), served from localhost and opened in the same headless
Chromium as the book. ``empty.html`` has none of the elements the checks look for: there every
check must fail too, so that a selector that matches nothing can never pass a page.
"""

from __future__ import annotations

from pathlib import Path

import checks
import pytest
from book_site import require_chromium

from bookkit.pipeline.tools import launch, serve
from bookkit.settings import BROWSER_TIMEOUT_MS

FIXTURES = Path(__file__).with_name("fixtures")

# (check, viewport, fixture with the defect, fixture without it)
CASES = [
    (checks.raw_markup, checks.DESKTOP, "raw_myst_bad.html", "raw_good.html"),
    (checks.raw_markup, checks.DESKTOP, "raw_tex_bad.html", "raw_good.html"),
    (checks.math_wider_than_column, checks.DESKTOP, "math_wide_bad.html", "math_good.html"),
    (checks.math_clipped, checks.PHONE, "math_clipped_bad.html", "math_wide_bad.html"),
    (checks.phone_navigation, checks.PHONE, "nav_bad.html", "nav_good.html"),
    (checks.desktop_sidebar_collapses, checks.DESKTOP, "nav_bad.html", "nav_good.html"),
    (checks.code_scrolls, checks.DESKTOP, "code_scrolls_bad.html", "code_good.html"),
    (checks.code_scrolls, checks.DESKTOP, "code_scrolls_1px_bad.html", "code_good.html"),
    (checks.code_scrolls, checks.DESKTOP, "code_output_scrolls_bad.html", "code_good.html"),
    (checks.code_scrolls, checks.DESKTOP, "code_in_dropdown_scrolls_bad.html", "code_good.html"),
    (checks.figures, checks.DESKTOP, "figure_lowres_bad.html", "figure_good.html"),
    (checks.figures, checks.DESKTOP, "figure_alt_bad.html", "figure_good.html"),
    (checks.figures, checks.DESKTOP, "figure_noalt_bad.html", "figure_good.html"),
    (checks.figure_text, checks.PHONE, "figure_text_small_bad.html", "figure_text_good.html"),
    (checks.figure_text, checks.DESKTOP, "figure_text_unmeasured_bad.html",
     "figure_text_good.html"),
    (checks.figure_links, checks.DESKTOP, "figure_link_bad.html", "figure_text_good.html"),
    (checks.search_boxes, checks.DESKTOP, "search_two_bad.html", "search_good.html"),
    (checks.bibliography_labels, checks.DESKTOP, "bib_repeated_bad.html", "bib_good.html"),
    (checks.bibliography_labels, checks.DESKTOP, "bib_numbered_bad.html", "bib_good.html"),
    (checks.accessibility, checks.DESKTOP, "axe_contrast_bad.html", "axe_good.html"),
    (checks.accessibility, checks.DESKTOP, "axe_aria_bad.html", "axe_good.html"),
    (checks.page_fits_phone, checks.PHONE, "page_wide_bad.html", "page_wide_good.html"),
]
# Every check that looks for an element (axe-core and the page width look at the whole page).
SELECTOR_CHECKS = sorted({case[0] for case in CASES}
                         - {checks.accessibility, checks.page_fits_phone},
                         key=lambda f: f.__name__)


@pytest.fixture(scope="module")
def fixture_url():
    with serve(FIXTURES) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch(pw)
        yield browser
        browser.close()


def run(browser, url, check, viewport):
    page = browser.new_page(viewport=viewport)
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        page.goto(url, wait_until="load")
        return check(page)
    finally:
        page.close()


def case_id(case):
    return f"{case[0].__name__}-{case[2].removesuffix('.html')}"


@pytest.mark.parametrize("case", CASES, ids=map(case_id, CASES))
def test_check_fails_on_the_defect(browser, fixture_url, case):
    check, viewport, bad, _ = case
    problems = run(browser, fixture_url + bad, check, viewport)
    assert problems, f"{check.__name__} passed {bad}, which has the defect"


@pytest.mark.parametrize("case", CASES, ids=map(case_id, CASES))
def test_check_passes_without_the_defect(browser, fixture_url, case):
    check, viewport, _, good = case
    problems = run(browser, fixture_url + good, check, viewport)
    assert not problems, f"{check.__name__} failed {good}, which is right: {problems}"


@pytest.mark.parametrize("check", SELECTOR_CHECKS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("viewport", [checks.DESKTOP, checks.PHONE], ids=["desktop", "phone"])
def test_check_fails_when_its_selector_matches_nothing(browser, fixture_url, check, viewport):
    problems = run(browser, fixture_url + "empty.html", check, viewport)
    assert problems, f"{check.__name__} passed a page that has nothing it looks for"
