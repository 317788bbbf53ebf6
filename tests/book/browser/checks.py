"""What a reader sees, checked on an open Playwright page: one function per class of defect.

Every check returns a list of problems (empty: the page is right). A check whose selector
matches nothing on the page returns a problem saying so, rather than passing: a renamed class
in a theme must not turn a check into one that cannot fail. The book's tests
(``test_pages.py``) and the fixture tests (``test_checks_catch_defects.py``, which prove each
check fails on a page with its defect) call these same functions.
"""

from __future__ import annotations

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# axe-core impacts that fail a page.
BLOCKING_IMPACTS = {"serious", "critical"}

# Text outside code that is MyST or TeX source instead of rendered content: directive fences
# and option lines, roles, TeX delimiters and environments, $...$ around a TeX command.
RAW_MARKUP = r"""() => {
  const skip = 'script, style, noscript, template, pre, code, textarea, mjx-container, '
             + 'mjx-assistive-mml, .cell_input, .cell_output';
  const patterns = [
    [/(`{3,}|:{3,})\s*\{[\w:-]+\}/, 'MyST directive fence'],
    [/(^|\n)\s*:(label|class|name|width|align|alt|caption|tags|nosearch):\s/, 'directive option'],
    [/\{[a-z][\w:-]*\}`/, 'MyST role'],
    [/\\\(|\\\)|\\\[|\\\]|\$\$/, 'TeX delimiter'],
    [/\\(begin|end)\{/, 'TeX environment'],
    [/\$[^$\n]*\\[A-Za-z]+[^$\n]*\$/, 'TeX in $...$'],
  ];
  const root = document.querySelector('main, [role="main"]')
               || document.querySelector('article');
  if (!root) return {count: 0, found: []};
  const found = [];
  let texts = 0;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const parent = node.parentElement;
    if (!parent || parent.closest(skip) || !node.textContent.trim()) continue;
    texts += 1;
    for (const [re, what] of patterns) {
      if (re.test(node.textContent)) {
        found.push(`${what}: ${node.textContent.trim().slice(0, 100)}`);
        break;
      }
    }
  }
  // A code block whose text is a MyST fence: a directive the parser took for code
  // (a block that says it is Markdown, e.g. in a guide to writing chapters, may show one).
  const blocks = Array.from(root.querySelectorAll('pre'))
    .filter(pre => !pre.closest('[class*="highlight-md"], [class*="highlight-markdown"], '
                                + '[class*="highlight-myst"]'));
  for (const pre of blocks) {
    const m = pre.textContent.match(/(^|\n)\s*(`{3,}|:{3,})\s*\{[\w:-]+\}.*/);
    if (m) found.push(`MyST directive shown as code: ${m[0].trim().slice(0, 100)}`);
  }
  return {count: texts, found};
}"""

# Display formulas (MathJax CHTML): the formula's width against its own box, and whether a
# wider formula can be scrolled to or is cut off by an ancestor.
DISPLAY_MATH = r"""() => {
  const boxes = Array.from(document.querySelectorAll('mjx-container[display="true"]'));
  return boxes.map((box, i) => {
    const math = box.querySelector('mjx-math') || box;
    const width = math.getBoundingClientRect().width;
    const label = (box.closest('.math, .math-wrapper, div') || box).id
                  || (box.querySelector('mjx-mtd[id]') || {}).id || `formula ${i + 1}`;
    const text = (box.querySelector('mjx-assistive-mml') || box).textContent.trim().slice(0, 60);
    let scrollable = false;
    let clippedBy = null;
    for (let el = box; el && el !== document.documentElement; el = el.parentElement) {
      const style = getComputedStyle(el);
      const ox = style.overflowX;
      if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth >= width - 1) {
        scrollable = el.scrollWidth > el.clientWidth + 1 || el.clientWidth >= width - 1;
        break;
      }
      if ((ox === 'hidden' || ox === 'clip') && el.clientWidth < width - 1) {
        clippedBy = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
        break;
      }
    }
    const right = math.getBoundingClientRect().right;
    return {label, text, width: Math.round(width), box: box.clientWidth, scrollable, clippedBy,
            offscreen: right > document.documentElement.clientWidth + 1 && !scrollable};
  });
}"""

# The page's own width against the screen's, and the innermost elements without which the page
# would be narrower (each is hidden for a moment and the page measured again).
PAGE_WIDTH = r"""() => {
  const doc = document.documentElement;
  const page = doc.scrollWidth;
  const culprits = [];
  function widens(el) {
    const display = el.style.display;
    el.style.display = 'none';
    const narrower = doc.scrollWidth < page;
    el.style.display = display;
    if (!narrower) return false;
    let inner = false;
    for (const child of el.children) inner = widens(child) || inner;
    if (!inner) {
      const text = el.textContent.trim().replace(/\s+/g, ' ').slice(0, 80);
      culprits.push(`<${el.tagName.toLowerCase()}> ${text}`);
    }
    return true;
  }
  if (page > doc.clientWidth + 1) for (const child of document.body.children) widens(child);
  return {page, screen: doc.clientWidth, culprits: culprits.slice(0, 5)};
}"""

# Code blocks, input and output (notebook cells and code listings): whether each scrolls
# sideways, in whole px as the browser lays it out (scrollWidth against clientWidth, no
# tolerance). Closed solution dropdowns and <details> are opened for the measurement and closed
# again: hidden, a block measures 0 px of text in 0 px, and those inside a dropdown (an
# admonition, 67 px narrower than the text column) are the ones most likely to scroll.
CODE_BLOCKS = r"""() => {
  const sel = 'article .cell_input pre, article .cell_output pre, '
            + 'article div[class*="highlight-"] pre';
  const closed = Array.from(document.querySelectorAll('article details:not([open])'));
  const hidden = Array.from(document.querySelectorAll('article .toggle-hidden'));
  closed.forEach(d => { d.open = true; });
  hidden.forEach(el => el.classList.remove('toggle-hidden'));
  try {
    return Array.from(new Set(document.querySelectorAll(sel))).map(pre => ({
      output: !!pre.closest('.cell_output, .output'), scroll: pre.scrollWidth,
      client: pre.clientWidth, shown: pre.getClientRects().length > 0,
      first: pre.textContent.split('\n').sort((a, b) => b.length - a.length)[0].slice(0, 90)}));
  } finally {
    hidden.forEach(el => el.classList.add('toggle-hidden'));
    closed.forEach(d => { d.open = false; });
  }
}"""

# Content figures: natural and displayed size, alt text.
FIGURES = r"""async () => {
  const imgs = Array.from(document.querySelectorAll('article img'));
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done);
    setTimeout(done, 15000);
  })));
  return imgs.map(img => {
    const r = img.getBoundingClientRect();
    return {src: (img.currentSrc || img.src).split('/').pop(), natural: img.naturalWidth,
            shown: r.width, alt: img.getAttribute('alt')};
  });
}"""

# The smallest text of every raster figure, in CSS px as shown: the PNG's own text chunks
# (bookkit.plotting.figure_png writes min_font_pt and dpi) give its smallest text in image
# pixels, font_pt * dpi / 72; the displayed width over the PNG's width scales that to the page.
FIGURE_TEXT = r"""async () => {
  const imgs = Array.from(document.querySelectorAll('article img'))
    .filter(img => /\.png$/i.test(new URL(img.currentSrc || img.src, location.href).pathname));
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener('load', done); img.addEventListener('error', done);
    setTimeout(done, 15000);
  })));
  const latin1 = bytes => String.fromCharCode(...bytes);
  // The tEXt chunks of a PNG (keyword NUL text), up to its first image data.
  const pngText = buffer => {
    const view = new DataView(buffer), bytes = new Uint8Array(buffer), text = {};
    if (bytes.length < 8 || latin1(bytes.subarray(1, 4)) !== 'PNG') return null;
    for (let at = 8; at + 8 <= bytes.length;) {
      const length = view.getUint32(at), type = latin1(bytes.subarray(at + 4, at + 8));
      if (type === 'IDAT' || type === 'IEND') break;
      if (type === 'tEXt') {
        const data = bytes.subarray(at + 8, at + 8 + length), nul = data.indexOf(0);
        text[latin1(data.subarray(0, nul))] = latin1(data.subarray(nul + 1));
      }
      at += 12 + length;
    }
    return text;
  };
  return Promise.all(imgs.map(async img => {
    const src = img.currentSrc || img.src;
    let text = null;
    try { text = pngText(await (await fetch(src)).arrayBuffer()); } catch (e) { text = null; }
    return {src: src.split('/').pop(), natural: img.naturalWidth,
            shown: img.getBoundingClientRect().width,
            pt: text && text.min_font_pt !== undefined ? Number(text.min_font_pt) : null,
            dpi: text && text.dpi !== undefined ? Number(text.dpi) : null};
  }));
}"""

# Every content figure: the link around it, if any, and where that link goes.
FIGURE_LINKS = r"""() => Array.from(document.querySelectorAll('article img')).map(img => {
  const a = img.closest('a[href]');
  return {src: (img.currentSrc || img.src), href: a ? a.href : null,
          focusable: !!a && a.tabIndex >= 0 && getComputedStyle(a).visibility !== 'hidden',
          name: a ? (a.getAttribute('aria-label') || img.getAttribute('alt') || '').trim() : ''};
})"""

# Search fields and buttons a reader can see (the search page's own form is its content).
SEARCH_BOXES = r"""() => {
  const sel = 'input[type="search"], .search-button__button, form.bd-search, '
            + '.search-button-field';
  const visible = el => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && r.right > 0 && r.left < document.documentElement.clientWidth
      && !el.closest('dialog:not([open])');
  };
  const all = Array.from(document.querySelectorAll(sel))
    .filter(el => !el.closest('#search-results, .bd-search-container, #search-documentation'))
    .filter(el => !el.parentElement.closest(sel));
  return {count: all.length,
          visible: all.filter(visible).map(el => `${el.tagName.toLowerCase()}.${el.className}`)};
}"""

BIB_LABELS = r"""() => Array.from(
  document.querySelectorAll('.citation-list .citation > .label, .citation .label, dl.citation > dt')
).map(l => l.textContent.replace(/[\[\]]/g, '').trim())"""

# Where an element is on screen, and whether a reader can see it.
ON_SCREEN = r"""(el) => {
  if (!el) return null;
  const r = el.getBoundingClientRect();
  const s = getComputedStyle(el);
  const vw = document.documentElement.clientWidth;
  return {left: r.left, right: r.right, width: r.width, height: r.height,
          shown: r.width > 40 && r.height > 40 && r.right > 40 && r.left < vw - 40
                 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0.1};
}"""

# Resolves once no CSS transition or finite animation is running, or after `limit` ms: the
# waits below end when the theme's transitions do, with the old fixed pauses as their bounds.
SETTLE = r"""async (limit) => {
  const end = performance.now() + limit;
  for (;;) {
    const running = document.getAnimations().filter(a => a.playState === 'running'
      && a.effect && a.effect.getComputedTiming().endTime !== Infinity);
    const left = end - performance.now();
    if (running.length === 0 || left <= 0) return running.length === 0;
    await Promise.race([Promise.all(running.map(a => a.finished.catch(() => null))),
                        new Promise(done => setTimeout(done, left))]);
  }
}"""

# `el` once it is shown (or hidden: `want`), at most `limit` ms after the call, and the page's
# transitions have settled (at most `limit` ms more): ON_SCREEN then.
ON_SCREEN_WHEN = r"""async (el, [want, limit]) => {
  const where = ON_SCREEN;
  const end = performance.now() + limit;
  while (where(el).shown !== want && performance.now() < end) {
    await new Promise(done => setTimeout(done, 20));
  }
  await (SETTLE)(limit);
  return where(el);
}""".replace("ON_SCREEN", ON_SCREEN).replace("SETTLE", SETTLE)


def settle(page, limit_ms: int) -> None:
    """Wait until the page's transitions have finished, or ``limit_ms`` at most."""
    page.evaluate(SETTLE, limit_ms)


def _on_screen_when(locator, shown: bool, limit_ms: int) -> dict:
    """Where ``locator`` is once it is ``shown`` (or hidden) and still, or ``limit_ms`` later."""
    return locator.evaluate(ON_SCREEN_WHEN, [shown, limit_ms])


def raw_markup(page) -> list[str]:
    """MyST or TeX source left as text (a directive that did not parse, math MathJax missed)."""
    result = page.evaluate(RAW_MARKUP)
    if result["count"] == 0:
        return ["no text found in the page's main content: the raw-markup check saw nothing"]
    return result["found"]


def _display_math(page) -> list[dict] | str:
    page.evaluate("""() => window.MathJax && MathJax.startup && MathJax.startup.promise
                           ? MathJax.startup.promise.then(() => true) : false""")
    formulas = page.evaluate(DISPLAY_MATH)
    return formulas or "no typeset display formula (mjx-container[display=true]) found"


def math_wider_than_column(page) -> list[str]:
    """At desktop width every display formula fits its column (no scrolling, nothing hidden)."""
    formulas = _display_math(page)
    if isinstance(formulas, str):
        return [formulas]
    return [f"{f['label']} ({f['text']}...) is {f['width']} px wide in a {f['box']} px column"
            for f in formulas if f["width"] > f["box"] + 1]


def math_clipped(page) -> list[str]:
    """At phone width a formula wider than the screen scrolls sideways; it is never cut off."""
    formulas = _display_math(page)
    if isinstance(formulas, str):
        return [formulas]
    return [f"{f['label']} ({f['text']}...), {f['width']} px wide, is cut off by "
            f"{f['clippedBy'] or 'the screen edge'}"
            for f in formulas if f["clippedBy"] or f["offscreen"]]


def page_fits_phone(page) -> list[str]:
    """At phone width the page itself does not scroll sideways: whatever is wider than the
    screen (code, a formula, a table) scrolls inside its own box. A failure names the elements
    whose removal makes the page fit, the innermost ones."""
    width = page.evaluate(PAGE_WIDTH)
    if width["page"] <= width["screen"] + 1:
        return []
    return [f"the page is {width['page']} px wide on a {width['screen']} px screen, because of: "
            + ("; ".join(width["culprits"]) or "no single element (several together)")]


def code_scrolls(page) -> list[str]:
    """No code block, input or output, scrolls sideways, not by a single pixel, in the text
    or in a dropdown (80 columns of code fit the text column at 1280 px, 79 a dropdown)."""
    blocks = page.evaluate(CODE_BLOCKS)
    if not any(not b["output"] for b in blocks):
        return ["no code input block found (.cell_input pre or a highlighted listing)"]
    return [f"{'output' if b['output'] else 'code'} block scrolls ({b['scroll']} px of text in "
            f"{b['client']} px): {b['first']!r}"
            for b in blocks if b["scroll"] > b["client"]] + [
            f"code block not shown even with the dropdowns open: {b['first']!r}"
            for b in blocks if not b["shown"]]


def looks_like_a_file_name(alt: str) -> bool:
    import re

    return bool(re.fullmatch(r"[0-9a-f]{8,}(\.\w+)?|\S+\.(png|svg|jpe?g|gif|pdf)", alt.strip()))


def figures(page) -> list[str]:
    """Every figure is SVG or at least 2x its displayed width, with alt text that describes it."""
    images = page.evaluate(FIGURES)
    if not images:
        return ["no figure (article img) found"]
    problems = []
    for img in images:
        alt = (img["alt"] or "").strip()
        if not alt or looks_like_a_file_name(alt) or len(alt.split()) < 3:
            problems.append(f"{img['src']}: alt text {alt!r} does not say what the figure shows")
        if img["natural"] == 0:
            problems.append(f"{img['src']}: did not load")
        elif not img["src"].lower().endswith(".svg") and img["natural"] < 2 * img["shown"] - 1:
            problems.append(f"{img['src']}: {img['natural']} px wide, shown at "
                            f"{img['shown']:.0f} px: below 2x resolution")
    return problems


MIN_FIGURE_TEXT_PX = 9.0


def figure_text(page) -> list[str]:
    """Every PNG figure's smallest text is at least 9 CSS px as shown at this width.

    The figure says how small its text is (PNG text chunks ``min_font_pt`` and ``dpi``, written
    by ``bookkit.plotting.figure_png``); a PNG without them cannot be measured and fails.
    """
    images = page.evaluate(FIGURE_TEXT)
    if not images:
        return ["no PNG figure (article img) found"]
    problems = []
    for img in images:
        if img["natural"] == 0:
            problems.append(f"{img['src']}: did not load")
        elif not img["pt"] or not img["dpi"]:
            problems.append(f"{img['src']}: no min_font_pt/dpi in its PNG text chunks: its "
                            "text size cannot be measured (draw it with bookkit.plotting)")
        else:
            px = img["pt"] * img["dpi"] / 72 * img["shown"] / img["natural"]
            if px < MIN_FIGURE_TEXT_PX:
                problems.append(f"{img['src']}: smallest text {img['pt']:g} pt at {img['dpi']:g} "
                                f"dpi, shown {img['shown']:.0f} of {img['natural']} px wide: "
                                f"{px:.1f} CSS px, below {MIN_FIGURE_TEXT_PX:g}")
    return problems


def figure_links(page) -> list[str]:
    """A tap or a click (or Enter) on every figure opens its image file at full resolution."""
    figures = page.evaluate(FIGURE_LINKS)
    if not figures:
        return ["no figure (article img) found"]
    problems = []
    for fig in figures:
        name = fig["src"].split("/").pop()
        if fig["href"] is None:
            problems.append(f"{name}: not inside a link to its image file")
        elif fig["href"].split("#")[0] != fig["src"]:
            problems.append(f"{name}: its link goes to {fig['href']}, not to the image file")
        elif not fig["focusable"] or not fig["name"]:
            problems.append(f"{name}: its link cannot be reached by keyboard or has no name")
    return problems


def search_boxes(page) -> list[str]:
    """Exactly one search box or button is visible."""
    found = page.evaluate(SEARCH_BOXES)
    if found["count"] == 0:
        return ["no search box or button found in the page"]
    if len(found["visible"]) != 1:
        return [f"{len(found['visible'])} visible search boxes: {found['visible']}"]
    return []


def bibliography_labels(page) -> list[str]:
    """Labels on a bibliography are unique and author-year, as the text cites them."""
    labels = page.evaluate(BIB_LABELS)
    if not labels:
        return ["no bibliography label (.citation .label) found"]
    seen, problems = set(), []
    for label in labels:
        if label in seen:
            problems.append(f"label {label!r} repeats (two works need a/b suffixes)")
        seen.add(label)
        if label.isdigit():
            problems.append(f"numeric label [{label}] while the text cites author-year")
    return problems


def _visible_toggle(page, selector: str):
    toggles = page.locator(selector)
    for i in range(toggles.count()):
        if toggles.nth(i).is_visible():
            return toggles.nth(i)
    return None


def phone_navigation(page) -> list[str]:
    """At phone width the header's two buttons open the book's contents and the page's contents.

    The page must be open at phone width; the dialogs are closed again afterwards.
    """
    problems = []
    for name, toggle_sel, content_sel in [
        ("primary sidebar", ".primary-toggle", ".bd-docs-nav, nav.bd-links"),
        ("on-page contents", ".secondary-toggle", ".bd-toc-nav, .page-toc, #bd-toc-nav"),
    ]:
        toggle = _visible_toggle(page, toggle_sel)
        has_content = page.locator(content_sel).count() > 0
        if toggle is None and not has_content and name == "on-page contents":
            continue  # a page without sections (the index, search) has no on-page contents
        if toggle is None:
            problems.append(f"no visible {toggle_sel} button for the {name}")
            continue
        if not has_content:
            problems.append(f"no {name} ({content_sel}) in the page")
            continue
        toggle.click()
        where = _on_screen_when(page.locator(content_sel).first, True, 600)  # the transition
        if not (where and where["shown"]):
            problems.append(f"clicking {toggle_sel} does not show the {name}: {where}")
        page.keyboard.press("Escape")
        settle(page, 300)
    return problems


def desktop_sidebar_collapses(page) -> list[str]:
    """At desktop width the primary-sidebar button hides the sidebar (and shows it again)."""
    toggle = _visible_toggle(page, ".primary-toggle")
    sidebar = page.locator("#pst-primary-sidebar, .bd-sidebar-primary").first
    if toggle is None or page.locator("#pst-primary-sidebar, .bd-sidebar-primary").count() == 0:
        return ["no visible .primary-toggle button or no primary sidebar"]
    before = sidebar.evaluate(ON_SCREEN)
    if not before["shown"]:
        return [f"the primary sidebar is not shown at desktop width: {before}"]
    toggle.click()
    after = _on_screen_when(sidebar, False, 600)
    dialog = page.evaluate("() => !!document.querySelector('dialog[open]')")
    problems = []
    if after["shown"] or dialog:
        problems.append("clicking .primary-toggle does not collapse the sidebar "
                        f"({'it opens a dialog' if dialog else after})")
        page.keyboard.press("Escape")
    else:
        toggle.click()
        if not _on_screen_when(sidebar, True, 600)["shown"]:
            problems.append("a second click on .primary-toggle does not bring the sidebar back")
    return problems


def accessibility(page) -> list[str]:
    """axe-core (the engine of Lighthouse's accessibility audit): no serious or critical finding."""
    from axe_playwright_python.sync_playwright import Axe

    # No preload: axe would re-fetch every stylesheet to read its CSS rules, resolving the
    # theme's @import against the page instead of the sheet (a 404 in the console).
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    violations = results.response.get("violations", [])
    problems = []
    for v in violations:
        if v.get("impact") in BLOCKING_IMPACTS:
            targets = [", ".join(map(str, n.get("target", []))) for n in v["nodes"][:3]]
            problems.append(f"{v['impact']} {v['id']} ({len(v['nodes'])}x): {v['help']} "
                            f"at {targets}")
    if not results.response.get("passes") and not violations:
        problems.append("axe-core checked nothing")
    return problems


def set_dark(page, dark: bool) -> None:
    """Light or dark, as the reader's system asks (the book follows it: default_mode auto)."""
    page.emulate_media(color_scheme="dark" if dark else "light")
    page.wait_for_function(
        "(want) => document.documentElement.dataset.theme === want",
        arg="dark" if dark else "light")
    settle(page, 500)  # let the theme's colour transitions finish before any check
