"""Every page names every module it will import in its <head> (`modulepreload`), so
Chromium fetches them all with the page instead of discovering them one import after
another (app.js → phone.js → answer_card.js → answer_*.js / results_*.js …): a phone on a
slow hall network waits for one round trip, not five. The lists are the server's
(pages.page_scripts, from the modules' own imports); this checks them against what real
pages load, both ways, and that a second visit takes every module from the cache.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.answer_browser import ranking, scale, text, wordcloud
from tests.browser import LAPTOP, PHONE, goto
from tests.conftest import QUESTION, ServerProcess
from tests.event_browser import LUNCH, Host

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

PRELOADED = """() => [...document.querySelectorAll('link[rel="modulepreload"]')]
    .map((link) => new URL(link.href).pathname)"""
LOADED = """() => performance.getEntriesByType("resource")
    .filter((entry) => new URL(entry.name).pathname.endsWith(".js"))
    .map((entry) => ({ path: new URL(entry.name).pathname, bytes: entry.transferSize }))"""


def assert_preloads_what_it_loads(page: Any) -> list[dict[str, Any]]:
    preloaded = page.evaluate(PRELOADED)
    loaded = page.evaluate(LOADED)
    app = page.evaluate("() => new URL(document.querySelector('script[src]').src).pathname")
    assert len(preloaded) == len(set(preloaded))
    assert {entry["path"] for entry in loaded} == set(preloaded) | {app}
    entries: list[dict[str, Any]] = loaded
    return entries


def test_the_phone_page_preloads_exactly_the_modules_it_imports(
    open_page: Any, server: ServerProcess
) -> None:
    host = Host(
        server,
        LUNCH,
        wordcloud("A word?"),
        text("A thought?"),
        scale("A rating?", 5),
        ranking("An order?", "A", "B"),
        pace="audience",
    )
    for question_id in ("q1", "q2", "q3", "q4", "q5"):
        host.open(question_id)
    phone = open_page(PHONE)
    goto(phone, host.path)
    assert_preloads_what_it_loads(phone)
    # A second visit: every module is immutable under its hashed URL, from the cache.
    goto(phone, host.path)
    again = assert_preloads_what_it_loads(phone)
    assert [entry for entry in again if entry["bytes"] > 0] == []


def test_every_page_preloads_exactly_the_modules_it_imports(
    open_page: Any, server: ServerProcess
) -> None:
    poll = httpx.post(server.url + "/api/vote", json=QUESTION).json()
    host = Host(server, LUNCH)
    host.open_and_present("q1")
    voter = open_page(PHONE)
    for path in ("/", "/events/new", "/mine", f"/vote/{poll['sessionId']}", host.path):
        goto(voter, path)
        assert_preloads_what_it_loads(voter)
    laptop = open_page(LAPTOP)
    goto(laptop, poll["hostUrl"])
    assert_preloads_what_it_loads(laptop)
    goto(laptop, host.created["hostUrl"])
    assert_preloads_what_it_loads(laptop)
    for suffix in ("/present", "/summary"):
        goto(laptop, host.path + suffix)
        assert_preloads_what_it_loads(laptop)
