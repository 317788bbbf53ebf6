"""Fixtures for the browser tests: the built book, a localhost server, headless Chromium."""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
from concurrent.futures import Future
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from book_site import HTML_DIR, SCREENSHOT_DIR, WORKERS, require_chromium, unavailable

from bookkit.pipeline.tools import launch, serve


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML_DIR / "index.html").is_file():
        unavailable(f"no built book at {HTML_DIR}: run `make book` or set RECTIFIERS_HTML_DIR")
    return HTML_DIR


@pytest.fixture(scope="session")
def base_url(html_dir):
    """The built book served from 127.0.0.1 on a free port, for the whole session."""
    with serve(html_dir) as url:
        yield url


@contextlib.contextmanager
def chromium(base_url: str, profile: Path):
    """Headless Debian Chromium with a fresh profile; every request off localhost is blocked.

    It has its own Playwright: the sync API belongs to the thread that started it.
    """
    from playwright.sync_api import sync_playwright

    own_host = urlsplit(base_url).netloc
    with sync_playwright() as pw:
        context = launch(pw, profile=profile, viewport={"width": 1280, "height": 900})
        context.external_requests = []

        # The book must work offline: record and refuse anything that leaves localhost.
        def route(route):
            if urlsplit(route.request.url).netloc == own_host:
                route.continue_()
            else:
                context.external_requests.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        try:
            yield context
        finally:
            context.close()


class Jobs:
    """Jobs ``job(context)``, all queued at once, run by ``workers`` Chromiums side by side.

    ``result(key)`` waits for one job and returns what it returned, or raises what it raised
    (a failed assertion, a timeout), in the test that asks for it.
    """

    def __init__(self, jobs: dict, browsers: list):
        self.futures = {key: Future() for key in jobs}
        self.queue = queue.SimpleQueue()
        for key, job in jobs.items():
            self.queue.put((self.futures[key], job))
        self.errors = []
        self.threads = [threading.Thread(target=self._work, args=(start,), daemon=True)
                        for start in browsers]
        for thread in self.threads:
            thread.start()

    def _queued(self):
        while True:
            try:
                yield self.queue.get_nowait()
            except queue.Empty:
                return

    def _work(self, start_browser):
        # Each future holds (result, error, its traceback): an error raised again in several
        # tests must not collect one more copy of the traceback each time.
        try:
            with start_browser() as context:
                for future, job in self._queued():
                    try:
                        future.set_result((job(context), None, None))
                    except BaseException as error:
                        future.set_result((None, error, error.__traceback__))
        except BaseException as error:  # the browser failed: so do the jobs it had not run
            failed = [future.set_result((None, error, error.__traceback__))
                      for future, _ in self._queued()]
            if not failed:
                self.errors.append(error)

    def result(self, key):
        if key not in self.futures:
            raise LookupError(f"no browser job {key!r} was queued for this session")
        result, error, traceback = self.futures[key].result()
        if error is not None:
            raise error.with_traceback(traceback)
        return result

    def join(self):
        for thread in self.threads:
            thread.join()
        if self.errors:
            raise self.errors[0]


@pytest.fixture(scope="session")
def run_in_chromium(base_url, tmp_path_factory):
    """``run_in_chromium({key: job})``: the jobs run in RECTIFIERS_BROWSER_WORKERS Chromiums."""
    started = []

    def run(jobs: dict) -> Jobs:
        require_chromium()
        browsers = [functools.partial(chromium, base_url, tmp_path_factory.mktemp("chromium"))
                    for _ in range(max(1, min(WORKERS, len(jobs))))]
        started.append(Jobs(jobs, browsers))
        return started[-1]

    yield run
    for jobs in started:
        jobs.join()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
