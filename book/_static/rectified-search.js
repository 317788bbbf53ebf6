// Search result snippets come from the page text, not from the header buttons
// ("Binder", "Repository"), the on-page contents or the TeX source of equations.
// Sphinx's searchtools.js takes the text of the whole [role=main] element; this
// drops what is not prose before it does (added by book/_ext/rectified_html.py).
(() => {
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  const notProse = [
    ".bd-header-article", ".bd-sidebar-secondary", ".prev-next-area",
    ".bd-footer-article", ".bd-footer-content", "div.math", "mjx-container",
    "button", ".dropdown-menu", ".cell_output", ".onlyprint",
  ].join(", ");
  const htmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(notProse).forEach((el) => el.remove());
    // Inline math keeps its TeX, without the \( \) delimiters.
    doc.querySelectorAll("span.math").forEach((el) => {
      el.textContent = el.textContent.replace(/^\\\(|\\\)$/g, "");
    });
    return htmlToText(doc.documentElement.outerHTML, anchor);
  };
})();
