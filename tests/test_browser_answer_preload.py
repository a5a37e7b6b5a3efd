"""The phone page names every module it will import in its <head> (`modulepreload`), so
Chromium fetches them all with the page instead of discovering them one import after
another (app.js → phone.js → answer_card.js → answer_*.js / results_*.js …): a phone on a
slow hall network waits for one round trip, not five. The list is the template's; this
checks it against what a real page loads, both ways.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.answer_browser import ranking, scale, text, wordcloud
from tests.browser import PHONE, goto
from tests.conftest import ServerProcess
from tests.event_browser import LUNCH, Host

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


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
    preloaded = phone.evaluate(
        """() => [...document.querySelectorAll('link[rel="modulepreload"]')]
            .map((link) => new URL(link.href).pathname)"""
    )
    loaded = phone.evaluate(
        """() => performance.getEntriesByType("resource")
            .map((entry) => new URL(entry.name).pathname)
            .filter((path) => path.endsWith(".js"))"""
    )
    assert len(preloaded) == len(set(preloaded))
    assert set(loaded) - {"/static/app.js"} == set(preloaded)
