"""Helpers of the browser tests of the host's pages of events (test_browser_host*): the
host acting through the API with its Bearer token and answers from invented phones, the
console opened from the host link, the console's rows and bars, and the check that presenter
mode fits a projector. axe-core comes from tests/event_browser.py; here it waits for the page
to settle first, since colors mid-transition are not the page's colors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import count
from typing import Any

import httpx

from tests.browser import LAPTOP, settled, wait_ready
from tests.conftest import ServerProcess
from tests.event_browser import axe_script

LIVE = 5000  # ms: a change reaches an open page well within this (a loaded machine too)
PROJECTORS = ({"width": 1280, "height": 720}, {"width": 1024, "height": 768})
TEN = [f"Choice {i}: {word}" for i, word in enumerate(
    ["Ramen", "Curry", "Sushi", "Soba", "Udon", "Tempura", "Yakitori", "Okonomiyaki",
     "Gyoza", "Onigiri"], start=1)]  # fmt: skip

voters = count(1)


def question(prompt: str, *choices: str, type_: str = "single") -> dict[str, Any]:
    return {"type": type_, "prompt": prompt, "choices": [{"text": c} for c in choices]}


class Host:
    """The host's side through the API (Bearer token), and answers from invented phones."""

    def __init__(self, server: ServerProcess, *questions: dict[str, Any], **body: Any) -> None:
        self.server = server
        created = httpx.post(
            server.url + "/api/events",
            json={"title": "Workshop", "questions": list(questions), **body},
        )
        assert created.status_code == 201, created.text
        self.created: dict[str, Any] = created.json()
        self.event_id: str = self.created["eventId"]
        self.auth = {"authorization": f"Bearer {self.created['hostToken']}"}

    @property
    def host_path(self) -> str:
        return str(self.created["hostUrl"]).replace(self.server.url, "")

    def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = httpx.request(
            method,
            f"{self.server.url}/api/events/{self.event_id}{path}",
            json=body,
            headers=self.auth,
        )
        assert response.status_code < 300, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def event(self) -> dict[str, Any]:
        return self.call("GET", "")

    def open_and_present(self, question_id: str) -> None:
        self.call("POST", f"/questions/{question_id}/open", {})
        self.call("POST", "/present", {"questionId": question_id})

    def answer(self, question_id: str, *choice_ids: str) -> None:
        response = httpx.post(
            f"{self.server.url}/api/events/{self.event_id}/questions/{question_id}/responses",
            json={"choiceIds": list(choice_ids)},
            headers={"cookie": f"tohyo_voter=hostpagevoter{next(voters):010d}"},
        )
        assert response.status_code == 201, response.text


def open_console(open_page: Callable[..., Any], host: Host, **options: Any) -> Any:
    """The host link in a fresh browser: its token is traded for the cookie."""
    from playwright.sync_api import expect

    page = open_page(options.pop("viewport", LAPTOP), **options)
    page.goto(host.host_path)
    expect(page.locator("body")).to_have_attribute("data-page", "event-host")
    wait_ready(page)
    assert "#host=" not in page.url  # the token leaves the address bar
    return page


def assert_accessible(page: Any, state: str) -> None:
    """axe-core over the whole page as it is now: no violations, WCAG or best practice."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())  # through the debugging protocol: the CSP does not apply
    settled(page)  # colors mid-transition are not the page's colors
    found = page.evaluate("async () => (await axe.run(document)).violations")
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in found
    ]
    assert problems == [], f"{state}: {problems}"


def rows(page: Any) -> Any:
    return page.locator("#question-list .question-prompt")


def row(page: Any, prompt: str) -> Any:
    return page.locator("#question-list .question-row").filter(
        has=page.locator(".question-prompt", has_text=re.compile(f"^{re.escape(prompt)}$"))
    )


def bar_value(page: Any, choice_id: str) -> Any:
    return page.locator(f'#results .bar[data-choice-id="{choice_id}"] .bar-value')


def add_question(page: Any, prompt: str, choices: list[str], multiple: bool = False) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Add a question").click()
    dialog = page.locator("#question-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Question", exact=True).fill(prompt)
    if multiple:
        dialog.get_by_label("Multiple choice").check()
    for i, text in enumerate(choices, start=1):
        if i > 2:
            dialog.get_by_role("button", name="Add a choice").click()
        dialog.get_by_label(f"Choice {i}", exact=True).fill(text)
    dialog.get_by_role("button", name="Add a question").click()
    expect(dialog).to_be_hidden()
    expect(row(page, prompt)).to_have_count(1, timeout=LIVE)


def inside(box: dict[str, float] | None, viewport: dict[str, int]) -> bool:
    if box is None:
        return False
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"] + 0.5
        and box["y"] + box["height"] <= viewport["height"] + 0.5
    )


def assert_everything_fits(
    page: Any, viewport: dict[str, int], total: str, choices: list[str] = TEN
) -> None:
    """The whole question, every choice's whole text and its count with its full
    percentage, the total and the controls are inside the viewport, and nothing scrolls
    or is cut."""
    from playwright.sync_api import expect

    settled(page)
    results = host_results(page)
    assert len(results) == len(choices)
    for choice, shown in zip(choices, results, strict=True):
        assert shown["label"] == choice
        assert inside(shown["labelBox"], viewport), (choice, shown["labelBox"], viewport)
        assert inside(shown["valueBox"], viewport), (choice, shown["valueBox"], viewport)
        assert not shown["labelCut"] and not shown["valueCut"], (choice, shown)
        assert re.fullmatch(r"\d+ · \d+(\.\d)?%", shown["value"]), shown["value"]
    expect(page.locator("#total")).to_have_text(total)
    assert inside(page.locator("#total").bounding_box(), viewport)
    prompt = page.locator("#present-prompt")
    assert inside(prompt.bounding_box(), viewport)
    assert prompt.evaluate("(el) => el.scrollHeight <= el.clientHeight + 1"), "question cut"
    for name in ("Previous", "Next", "Close", "New round", "Lobby", "Full screen"):
        button = page.get_by_role("button", name=re.compile(f"^{name}"))
        assert inside(button.bounding_box(), viewport), name
    assert inside(page.locator("#join-code").bounding_box(), viewport)
    assert inside(page.locator("#join .qr-code").bounding_box(), viewport)
    scroll = page.evaluate(
        "() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]"
    )
    assert scroll[0] <= viewport["height"] and scroll[1] <= viewport["width"], scroll


def host_results(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('#results .bar')].map((bar) => {
            const label = bar.querySelector('.bar-label');
            const value = bar.querySelector('.bar-value');
            const box = (el) => { const r = el.getBoundingClientRect();
                return {x: r.x, y: r.y, width: r.width, height: r.height}; };
            const cut = (el) => el.scrollHeight > el.clientHeight + 1
                || el.scrollWidth > el.clientWidth + 1;
            return {label: label.textContent, value: value.textContent,
                    labelBox: box(label), valueBox: box(value),
                    labelCut: cut(label), valueCut: cut(value)};
        })"""
    )
