"""Helpers of the browser tests of the host's audience Q&A (test_browser_qa_host*): an event
whose host acts through the API, phones that ask and upvote over HTTP with their own voter
cookies (tests.conftest.voter), a question's row in the console and the page's strings in
either language (the catalog's own text, Japanese with its phrase marks, as the pages
show it).
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import voter
from tests.host_browser import Host
from tohyo.web import i18n

LOCALES = {"en": "en-US", "ja": "ja-JP"}


class QaHost(Host):
    """An event with its host (Bearer token) and the phones that ask it questions."""

    def phone(self, method: str, path: str, n: int, body: Any = None) -> httpx.Response:
        return httpx.request(
            method,
            f"{self.server.url}/api/events/{self.event_id}{path}",
            json=body,
            headers=voter(n),
        )

    def name(self, n: int, nickname: str) -> None:
        response = self.phone("PUT", "/me", n, {"nickname": nickname})
        assert response.status_code == 200, response.text

    def ask(self, n: int, text: str, *, named: bool = False) -> dict[str, Any]:
        body: dict[str, Any] = {"text": text, "nickname": True} if named else {"text": text}
        response = self.phone("POST", "/qa", n, body)
        assert response.status_code == 201, response.text
        entry: dict[str, Any] = response.json()
        return entry

    def upvote(self, entry_id: str, *phones: int) -> None:
        for n in phones:
            response = self.phone("POST", f"/qa/{entry_id}/upvote", n)
            assert response.status_code == 201, response.text

    def board(self) -> dict[str, Any]:
        return self.call("GET", "/qa")

    def statuses(self) -> dict[str, str]:
        return {e["entryId"]: e["status"] for e in self.board()["entries"]}


def strings(lang: str) -> dict[str, str]:
    return i18n.strings(lang)


def says(lang: str, key: str, **values: Any) -> str:
    return strings(lang)[key].format(**values)


def upvotes(lang: str, n: int) -> str:
    form = "one" if lang == "en" and n == 1 else "other"
    return says(lang, f"qah_upvotes_{form}", n=n)


def entry(page: Any, entry_id: str) -> Any:
    """A question's row in the console, whichever list it is in."""
    return page.locator(f'#qa .qah-entry[data-entry-id="{entry_id}"]')


def button(page: Any, lang: str, action: str, text: str) -> Any:
    """A question's button in the console by its accessible name ("Approve “…”")."""
    return page.get_by_role("button", name=says(lang, f"qah_{action}_named", text=text))


def listed(page: Any, list_id: str) -> Any:
    """The texts of a console list's questions, in order."""
    return page.locator(f"#{list_id} > .qah-entry .qah-text")
