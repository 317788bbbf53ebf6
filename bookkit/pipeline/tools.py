"""What several pipeline steps share: the one config rewriter, the one jupyter-book call, the
one local HTTP server and the one browser launcher."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import yaml

from .. import settings


def write_config(out: Path, *, execute: str = "off", extensions: tuple[str, ...] = (),
                 **changes) -> Path:
    """``_config.yml`` with execution ``execute`` (myst-nb's mode), extra Sphinx
    ``extensions`` and top-level ``changes``, written to ``out`` for ``--config``."""
    config = yaml.safe_load(settings.CONFIG.read_text())
    run = config.setdefault("execute", {})
    run["execute_notebooks"] = execute
    run["cache"] = str(settings.BUILD / ".jupyter_cache")
    sphinx = config.setdefault("sphinx", {})
    sphinx["extra_extensions"] = [*sphinx.get("extra_extensions", []), *extensions]
    config.update(changes)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(config, sort_keys=False))
    return out


def jupyter_book(source: Path, *options: str) -> int:
    """``jupyter-book build`` with the book's flags (settings.BUILD_FLAGS); its exit status."""
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(source),
               *settings.BUILD_FLAGS, *options]
    return subprocess.call(command, cwd=settings.ROOT)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve ``directory`` on 127.0.0.1 at a free port; yield its base URL (ending in /)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def chromium_missing() -> str:
    """Why the browser cannot start here, or ``""`` when it can."""
    if not (settings.CHROMIUM.is_file() and os.access(settings.CHROMIUM, os.X_OK)):
        return (f"no Chromium at {settings.CHROMIUM}: install Debian's package "
                "(`apt-get install chromium`) or set RECTIFIERS_CHROMIUM")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed"
    return ""


def launch(playwright, *, profile: Path | None = None, **options):
    """Headless Debian Chromium with the book's flags: a browser, or a persistent context with
    a fresh ``profile``. The default timeout is settings.BROWSER_TIMEOUT_MS."""
    common = {"executable_path": str(settings.CHROMIUM), "headless": True,
              "args": settings.CHROMIUM_ARGS, **options}
    if profile is None:
        return playwright.chromium.launch(**common)
    context = playwright.chromium.launch_persistent_context(str(profile), **common)
    context.set_default_timeout(settings.BROWSER_TIMEOUT_MS)
    return context
