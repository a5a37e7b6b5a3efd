"""Helpers of the browser tests: Debian's Chromium driven by Playwright, a real `tohyo serve`
on a free port, fresh browser contexts, and the steps every page test takes.

Playwright never downloads a browser here: it launches /usr/bin/chromium (install the
`chromium` package). Without it these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.components import unavailable
from tests.conftest import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("TOHYO_SCREENSHOTS", ROOT / "test-artifacts" / "screenshots"))
PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 800}


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        unavailable("the browser tests need Debian's chromium (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    directory = tmp_path_factory.mktemp("browser")
    running = ServerProcess(
        f"sqlite:///{directory / 'tohyo.db'}",
        directory / "server.log",
        TOHYO_STREAM_INTERVAL="0.05",
    ).start()
    yield running
    running.stop()


@pytest.fixture
def open_page(browser: Any, server: ServerProcess) -> Iterator[Callable[..., Any]]:
    """open_page(viewport, locale="en-US") -> a page in a fresh context (its own cookies:
    one context is one phone or one laptop). Script errors, console errors (a CSP
    violation, a failed load) and unexpected dialogs fail the test."""
    contexts: list[Any] = []
    errors: list[str] = []
    tolerated: list[str] = []  # substrings of errors a test causes on purpose

    def make(viewport: dict[str, int] = PHONE, locale: str = "en-US") -> Any:
        context = browser.new_context(viewport=viewport, locale=locale, base_url=server.url)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        # Console errors include Content-Security-Policy violations and failed loads.
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("dialog", lambda dialog: errors.append(f"unexpected dialog: {dialog.message}"))
        return page

    make.tolerate = tolerated.append  # type: ignore[attr-defined]
    yield make
    for context in contexts:
        context.close()
    assert [e for e in errors if not any(t in e for t in tolerated)] == []


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


def goto(page: Any, url: str) -> None:
    page.goto(url)
    wait_ready(page)


def wait_ready(page: Any) -> None:
    """Wait until the page's script has attached (it sets <html data-ready>): before that,
    the controls that need it are disabled, and the page shows no live changes."""
    page.locator("html[data-ready]").wait_for(state="attached")


def settled(page: Any) -> None:
    """Wait until no transition is running (the chart animates every change)."""
    # A function, not an expression: polling an expression needs eval, which the CSP forbids.
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")


def create_through_form(page: Any, question: str, choices: list[str], multiple: bool) -> str:
    goto(page, "/")
    page.get_by_label("Question").fill(question)
    if multiple:
        page.get_by_label("Multiple choice").check()
    for i, text in enumerate(choices, start=1):
        if i > 2:
            page.get_by_role("button", name="Add a choice").click()
        page.get_by_label(f"Choice {i}", exact=True).fill(text)
    page.get_by_role("button", name="Create vote").click()
    page.wait_for_url(re.compile(r"/vote/[0-9a-f-]{36}$"))
    wait_ready(page)
    vote_url: str = page.locator("#vote-url").get_attribute("href")
    return vote_url


def vote(page: Any, url: str, choices: list[str]) -> None:
    goto(page, url)
    button = page.get_by_role("button", name="Vote")
    assert button.is_disabled()  # nothing chosen yet
    for text in choices:
        page.get_by_label(text, exact=True).check()
    button.click()
    page.locator("#thanks").wait_for()


def host_count(page: Any, choice_id: str) -> Any:
    return page.locator(f'#results .bar[data-choice-id="{choice_id}"] .bar-value')
