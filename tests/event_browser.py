"""Helpers of the browser tests of events (test_browser_events, test_browser_event_entry):
the host acting through the HTTP API with its Bearer token, as a host console would; a
phone's page found by what a person sees; the no-reload check; axe-core.

axe-core is the copy the `axe-playwright-python` package ships (a test extra).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from typing import Any

import httpx

from tests.browser import goto
from tests.components import unavailable
from tests.conftest import ServerProcess, voter

# --- the host, through the API ---------------------------------------------------------


def question(prompt: str, *choices: str, **extra: Any) -> dict[str, Any]:
    return {"type": "single", "prompt": prompt, "choices": [{"text": c} for c in choices], **extra}


LUNCH = question("Lunch?", "Ramen", "Curry", "Sushi")
DRINKS = question("Drinks?", "Tea", "Coffee", type="multiple", resultsVisibility="always")
LATER = question("Dessert?", "Cake", "Fruit")


class Host:
    """An event and its host, acting with the host token."""

    def __init__(self, server: ServerProcess, *questions: dict[str, Any], **body: Any) -> None:
        self.server = server
        created = httpx.post(
            server.url + "/api/events",
            json={"title": "Friday workshop", "questions": list(questions), **body},
        )
        assert created.status_code == 201, created.text
        self.created: dict[str, Any] = created.json()
        self.event_id: str = self.created["eventId"]
        self.code: str = self.created["code"]
        self.path = f"/e/{self.event_id}"

    def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = httpx.request(
            method,
            f"{self.server.url}/api/events/{self.event_id}{path}",
            json=body if body is not None else {},
            headers={"authorization": f"Bearer {self.created['hostToken']}"},
        )
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer

    def open(self, question_id: str) -> None:
        self.call("POST", f"/questions/{question_id}/open")

    def close(self, question_id: str) -> None:
        self.call("POST", f"/questions/{question_id}/close")

    def present(self, question_id: str | None) -> None:
        self.call("POST", "/present", {"questionId": question_id})

    def open_and_present(self, question_id: str) -> None:
        self.open(question_id)
        self.present(question_id)

    def answer_as(self, n: int, question_id: str, *choice_ids: str) -> None:
        """Another participant answers (a phone this test does not drive)."""
        response = httpx.post(
            f"{self.server.url}/api/events/{self.event_id}/questions/{question_id}/responses",
            json={"choiceIds": list(choice_ids)},
            headers=voter(n),
        )
        assert response.status_code == 201, response.text


# --- the phone ---------------------------------------------------------------------------


def following(page: Any) -> Callable[[], None]:
    """Mark a loaded page; the returned check fails if it has reloaded or navigated since,
    or opened more than its one stream."""
    page.evaluate("() => { window.tohyoMark = 'loaded once'; }")
    navigations: list[str] = []
    streams: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else 0)
    page.on("request", lambda r: streams.append(r.url) if r.url.endswith("/stream") else 0)

    def check() -> None:
        assert navigations == []
        assert page.evaluate("() => window.tohyoMark") == "loaded once"
        assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
        assert streams == []  # the stream opened at load is the only one

    return check


def card(page: Any, prompt: str) -> Any:
    """The question's section on the phone, found by its heading."""
    return page.locator("section.ev-question").filter(
        has=page.get_by_role("heading", name=prompt, exact=True)
    )


def bar_value(section: Any, choice: str) -> Any:
    return section.locator(".bar").filter(has_text=choice).locator(".bar-value")


def answer(page: Any, prompt: str, *choices: str, button: str = "Vote") -> Any:
    section = card(page, prompt)
    for text in choices:
        section.get_by_label(text, exact=True).check()
    section.get_by_role("button", name=button).click()
    return section


def axe_script() -> str:
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text()
    except ModuleNotFoundError:
        unavailable("the accessibility checks need axe-playwright-python (test extras)")


def assert_accessible(page: Any, state: str) -> None:
    """axe-core over the whole page as it is now: no violations, WCAG or best practice."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())  # through the debugging protocol: the CSP does not apply
    found = page.evaluate("async () => (await axe.run(document)).violations")
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in found
    ]
    assert problems == [], f"{state}: {problems}"


def join_from_index(page: Any, code: str) -> None:
    """Type the code into `/`'s join field and submit it (in any language)."""
    goto(page, "/")
    page.locator("#join-code").fill(code)
    page.locator('#join-form button[type="submit"]').click()
