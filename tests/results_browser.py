"""Helpers of the browser tests of typed questions' results and their moderation
(test_browser_results_*, test_browser_moderation*): a host with questions of any type and
answers of any shape from invented phones, the word cloud as a page draws it, and what
fits a screen.
"""

from __future__ import annotations

from itertools import count
from typing import Any

import httpx

from tests.conftest import ServerProcess
from tests.host_browser import Host, inside

phones = count(1)


class TypedHost(Host):
    """The host of tests/host_browser.py with typed questions, their ids, moderation and
    answers of any shape."""

    def __init__(self, server: ServerProcess, *questions: dict[str, Any], **body: Any) -> None:
        super().__init__(server, *questions, **body)
        self.ids: list[str] = self.created["questionIds"]

    def question(self, question_id: str) -> dict[str, Any]:
        """The question as the host sees it (every entry, flagged)."""
        found: dict[str, Any] = next(
            q for q in self.event()["questions"] if q["questionId"] == question_id
        )
        return found

    def close(self, question_id: str) -> None:
        self.call("POST", f"/questions/{question_id}/close", {})

    def moderate(self, question_id: str, key: str, action: str) -> dict[str, Any]:
        return self.call(
            "POST", f"/questions/{question_id}/moderation", {"key": key, "action": action}
        )

    def respond(self, question_id: str, body: dict[str, Any], phone: int | None = None) -> int:
        """An invented phone answers; returns the status (201 when counted)."""
        n = next(phones) if phone is None else phone
        response = httpx.post(
            f"{self.server.url}/api/events/{self.event_id}/questions/{question_id}/responses",
            json=body,
            headers={"cookie": f"tohyo_voter=resultsphone{n:014d}"},
        )
        assert response.status_code in (201, 400), response.text
        return response.status_code


def drawn_words(scope: Any) -> list[dict[str, Any]]:
    """Every word of the cloud inside `scope` (a locator) as drawn: its key, text,
    attributes, transform, color class and rendered box."""
    script = """(root) => [...root.querySelectorAll('svg.rv-cloud text.rv-word')].map((w) => {
        const r = w.getBoundingClientRect();
        return {key: w.dataset.key, text: w.textContent,
                textLength: w.getAttribute('textLength'),
                lengthAdjust: w.getAttribute('lengthAdjust'),
                fontSize: w.getAttribute('font-size'), transform: w.style.transform,
                className: w.getAttribute('class'), bboxWidth: w.getBBox().width,
                box: {x: r.x, y: r.y, width: r.width, height: r.height}};
    })"""
    words: list[dict[str, Any]] = scope.evaluate(script)
    return words


def key_color(key: str) -> str:
    """The color class a word's key gives it (as charts.wordcloud_picture.word_color)."""
    return f"c{sum(map(ord, key)) % 10 + 1}"


def assert_drawn_as_laid_out(words: list[dict[str, Any]], cloud: list[dict[str, Any]]) -> None:
    """The page draws exactly the server's layout: each word at its size, stretched to its
    box's width and centred on its box's middle line, in its key's color."""
    by_key = {w["key"]: w for w in words}
    assert sorted(by_key) == sorted(c["key"] for c in cloud)
    for laid in cloud:
        drawn = by_key[laid["key"]]
        assert drawn["text"] == laid["text"]
        assert float(drawn["textLength"]) == laid["width"]
        assert drawn["lengthAdjust"] == "spacingAndGlyphs"
        assert float(drawn["fontSize"]) == laid["size"]
        middle = laid["y"] + laid["height"] / 2
        assert drawn["transform"] == f"translate({laid['x']:g}px, {middle:g}px)", drawn
        assert key_color(laid["key"]) in drawn["className"].split()
        # textLength holds: the glyphs span the box's width, whatever the font.
        assert abs(drawn["bboxWidth"] - laid["width"]) <= laid["width"] * 0.02 + 1, drawn


def assert_inside_boxes(scope: Any, cloud: list[dict[str, Any]]) -> None:
    """Each word's glyphs (its bounding box as drawn, in the cloud's 1000×600 units) lie in
    its laid-out box, within a little of the font's ascent and descent: as the layout's
    boxes never overlap, neither do the words."""
    drawn = scope.evaluate(
        """(root) => [...root.querySelectorAll('svg.rv-cloud text.rv-word')].map((w) => {
            const b = w.getBBox();
            const m = w.style.transform.match(/translate\\(([-\\d.]+)px, ([-\\d.]+)px\\)/);
            return {key: w.dataset.key, x: +m[1] + b.x, y: +m[2] + b.y,
                    width: b.width, height: b.height};
        })"""
    )
    by_key = {c["key"]: c for c in cloud}
    for word in drawn:
        laid = by_key[word["key"]]
        slack = laid["size"] * 0.08 + 1
        assert word["x"] >= laid["x"] - slack and word["y"] >= laid["y"] - slack, (word, laid)
        assert word["x"] + word["width"] <= laid["x"] + laid["width"] + slack, (word, laid)
        assert word["y"] + word["height"] <= laid["y"] + laid["height"] + slack, (word, laid)


def assert_fits(page: Any, viewport: dict[str, int], *selectors: str) -> None:
    """Nothing scrolls, and every element each selector matches is inside the viewport."""
    for selector in selectors:
        for box in page.locator(selector).evaluate_all(
            "(els) => els.map((e) => { const r = e.getBoundingClientRect();"
            " return {x: r.x, y: r.y, width: r.width, height: r.height}; })"
        ):
            assert inside(box, viewport), (selector, box, viewport)
    scroll = page.evaluate(
        "() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]"
    )
    assert scroll[0] <= viewport["height"] and scroll[1] <= viewport["width"], scroll
