"""Helpers of the browser tests of the phone's answer controls (tests/test_browser_answer_*):
specs of each type, the host's reading of a question's results (GET /api/events/{id} with
the host token, as the host console reads it), and the checks every control passes —
no sideways scroll at 320 and 375 px, axe-core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.event_browser import Host, assert_accessible
from tests.layout_browser import no_sideways_scroll

LIVE = 5000  # ms: what the host does reaches every phone within this
NARROW = {"width": 320, "height": 640}


def wordcloud(prompt: str, **extra: Any) -> dict[str, Any]:
    return {"type": "wordcloud", "prompt": prompt, **extra}


def text(prompt: str, **extra: Any) -> dict[str, Any]:
    return {"type": "text", "prompt": prompt, **extra}


def scale(prompt: str, points: int, **extra: Any) -> dict[str, Any]:
    return {"type": "scale", "prompt": prompt, "points": points, **extra}


def ranking(prompt: str, *items: str, **extra: Any) -> dict[str, Any]:
    return {"type": "ranking", "prompt": prompt, "choices": [{"text": i} for i in items], **extra}


def host_question(host: Host, question_id: str = "q1") -> dict[str, Any]:
    """The question as the host sees it, results and all."""
    event = host.call("GET", "")
    (question,) = [q for q in event["questions"] if q["questionId"] == question_id]
    return question


def host_results(host: Host, question_id: str = "q1") -> dict[str, Any]:
    results: dict[str, Any] = host_question(host, question_id)["results"]
    return results


def eventually(check: Callable[[], Any], timeout: float = LIVE / 1000) -> Any:
    """`check()` once it holds (an assertion that passes): the host's read after a phone's
    201 is current at once, but a test may ask just before the click's request has gone."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def checked_at_widths(page: Any, state: str) -> None:
    """axe-core and no sideways scroll, at the page's size and at 320 px, the narrowest
    phone."""
    size = page.viewport_size
    assert_accessible(page, state)
    no_sideways_scroll(page, state)
    page.set_viewport_size(NARROW)
    try:
        no_sideways_scroll(page, f"{state} at 320 px")
    finally:
        page.set_viewport_size(size)
