"""Helpers of the browser tests of the host's question forms (test_browser_question_forms,
test_browser_question_dialog): the event a create page made, as its host reads it, the
texts of a question's items.
"""

from __future__ import annotations

import re
from typing import Any

from tests.browser import wait_ready
from tests.conftest import ServerProcess

HOSTILE = '<script>alert("x")</script> & =cmd'


def created_event(page: Any, server: ServerProcess) -> dict[str, Any]:
    """The event the create page made, as its host reads it (the page has the cookie)."""
    page.wait_for_url(re.compile(r"/e/[0-9a-f-]{36}/host$"))
    wait_ready(page)
    event_id = re.search(r"/e/([0-9a-f-]{36})/host", page.url).group(1)  # type: ignore[union-attr]
    response = page.request.get(f"{server.url}/api/events/{event_id}")
    assert response.status == 200, response.text()
    event: dict[str, Any] = response.json()
    return event


def texts(items: list[dict[str, Any]]) -> list[str]:
    return [item["text"] for item in items]
