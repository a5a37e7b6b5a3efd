"""Helpers of the browser tests of the phone's audience Q&A (test_browser_qa_phone): an event
whose host moderates over HTTP with its token and other phones that ask and upvote with
their own voter cookies; a question's entry on a phone's list, found by its id; the page's
strings in either language as the page shows them (Japanese with its phrase marks).
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.answer_browser import LIVE
from tests.conftest import voter
from tests.event_browser import Host, question
from tohyo.web import i18n

LOCALES = {"en": "en-US", "ja": "ja-JP"}
LUNCH = question("Lunch?", "Ramen", "Curry", "Sushi")
SLIDES = "Where are the slides?"
RECORDED = "Is the talk recorded?"
BREAK = "When is the break?"
PARKING = "Where can I park?"


class QaEvent(Host):
    """An event whose host moderates its Q&A, and other phones that ask and upvote."""

    def qa(self, mode: str) -> None:
        self.call("PATCH", "", {"qa": mode})

    def moderate(self, entry_id: str, action: str) -> None:
        self.call("POST", f"/qa/{entry_id}/{action}")

    def ask_as(self, n: int, text: str) -> str:
        response = self.other("POST", "/qa", n, {"text": text})
        assert response.status_code == 201, response.text
        entry_id: str = response.json()["entryId"]
        return entry_id

    def upvote_as(self, entry_id: str, *phones: int) -> None:
        for n in phones:
            response = self.other("POST", f"/qa/{entry_id}/upvote", n)
            assert response.status_code == 201, response.text

    def other(self, method: str, path: str, n: int, body: Any = None) -> httpx.Response:
        return httpx.request(
            method,
            f"{self.server.url}/api/events/{self.event_id}{path}",
            json=body,
            headers=voter(9000 + n),
        )

    def statuses(self) -> dict[str, str]:
        return {e["entryId"]: e["status"] for e in self.call("GET", "/qa")["entries"]}


def says(lang: str, key: str, **values: Any) -> str:
    """A string as the page shows it (Japanese with its phrase marks)."""
    return i18n.strings(lang)[key].format(**values)


def upvotes(lang: str, n: int) -> str:
    return says(lang, f"qap_upvotes_{'one' if lang == 'en' and n == 1 else 'other'}", n=n)


def entry(phone: Any, entry_id: str) -> Any:
    return phone.locator(f'#qap-list > .qap-entry[data-entry-id="{entry_id}"]')


def texts(phone: Any) -> Any:
    """The questions' texts on the list, in order."""
    return phone.locator("#qap-list > .qap-entry .qap-entry-text")


def open_qa(phone: Any, lang: str) -> None:
    from playwright.sync_api import expect

    tab = phone.get_by_role("tab", name=says(lang, "qap_tab_qa"), exact=True)
    expect(tab).to_be_visible(timeout=LIVE)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(phone.locator("#qap")).to_be_visible()


def ask(phone: Any, lang: str, text: str) -> None:
    phone.get_by_role("textbox", name=says(lang, "qap_ask_label"), exact=True).fill(text)
    phone.get_by_role("button", name=says(lang, "qap_send"), exact=True).click()


def upvote_button(phone: Any, entry_id: str) -> Any:
    return entry(phone, entry_id).locator(".qap-upvote")


def shows_count(phone: Any, lang: str, entry_id: str, n: int, *, pressed: bool) -> None:
    from playwright.sync_api import expect

    button = upvote_button(phone, entry_id)
    expect(button.locator(".qap-upvotes")).to_have_text(str(n), timeout=LIVE)
    expect(button).to_have_attribute("aria-pressed", "true" if pressed else "false")
    label = says(lang, "qap_unvote" if pressed else "qap_upvote", upvotes=upvotes(lang, n))
    expect(button).to_have_attribute("aria-label", label)
