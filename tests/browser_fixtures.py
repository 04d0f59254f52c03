"""Browser fixtures shared by every browser test: one headless Chromium (Debian's)
per session, and per-test contexts that refuse every request leaving localhost and
record console errors — a test fails on either.

Registered from tests/conftest.py (``pytest_plugins``) so that there is exactly one
Playwright instance in the session, whichever folder a browser test lives in.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/lib/chromium/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


@pytest.fixture(scope="session")
def browser():
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class Session:
    """A browser context of one test, and what it saw go wrong."""

    def __init__(self, browser, base_url: str, **context_options):
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.external_requests: list[str] = []
        context_options.setdefault("locale", "fr-FR")
        self.context = browser.new_context(accept_downloads=True, **context_options)
        self.context.route("**/*", self._route)
        self.pages = []

    def _route(self, route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external_requests.append(route.request.url)
            route.abort()

    def new_page(self):
        page = self.context.new_page()
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text)
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        self.pages.append(page)
        return page

    def open(self, path: str = "/"):
        page = self.new_page()
        page.goto(self.base_url + path)
        return page

    def close(self):
        self.context.close()


@pytest.fixture
def session_factory(browser, live_server):
    sessions: list[Session] = []

    def make(**context_options) -> Session:
        session = Session(browser, live_server.url, **context_options)
        sessions.append(session)
        return session

    yield make
    problems = []
    for session in sessions:
        problems += [f"console: {error}" for error in session.console_errors]
        problems += [f"left localhost: {url}" for url in session.external_requests]
        session.close()
    assert problems == []


def worker_run() -> None:
    """Run the background worker as scripts/run does, until its queue is
    empty (a paid order's documents are issued by it)."""
    # This module is loaded as a plugin before Django is set up.
    from django.core.management import call_command

    call_command("import_worker", "--batch", "--no-startup-delay", verbosity=0)
