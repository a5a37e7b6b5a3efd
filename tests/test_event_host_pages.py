"""The host's pages of events, rendered in-process: the console, presenter mode and the
summary for the host; a clear "this page is for the host" for anyone else (which takes a
host link's token); 404s; escaping; languages; no inline script. (Chromium drives them
in test_browser_host.)"""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from tests.conftest import new_client
from tohyo.config import Settings
from tohyo.errors import StorageError
from tohyo.web import i18n
from tohyo.web.app import TohyoApp, create_app
from tohyo.web.event_host_pages import spaced_code

XSS = "<img src=x onerror=alert(1)>"
UNKNOWN = "00000000-0000-4000-8000-000000000000"
PAGES = ("host", "present", "summary")


@pytest.fixture
async def app() -> AsyncIterator[TohyoApp]:
    # Pages do not depend on the backend (the conformance suites cover those).
    application = create_app(Settings(storage="memory://", stream_interval=0.01))
    async with LifespanManager(application):
        yield application


def question(prompt: str, *choices: str) -> dict[str, Any]:
    return {"type": "single", "prompt": prompt, "choices": [{"text": c} for c in choices]}


async def create_event(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    payload = {
        "title": "Workshop",
        "questions": [question("Lunch?", "Ramen", "Curry"), question("Drafty?", "A", "B")],
        **body,
    }
    response = await client.post("/api/events", json=payload)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def bearer(created: dict[str, Any]) -> dict[str, str]:
    return {"authorization": f"Bearer {created['hostToken']}"}


def page_of(text: str) -> str | None:
    found = re.search(r'<body data-page="([^"]+)"', text)
    return found.group(1) if found else None


def embedded_view(text: str) -> dict[str, Any]:
    found = re.search(r'<article id="event"[^>]*data-view="([^"]*)"', text)
    assert found, "no embedded view"
    view: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return view


async def test_the_host_gets_the_console_with_code_qr_questions_and_exports(
    app: TohyoApp,
) -> None:
    async with new_client(app) as laptop:
        created = await create_event(laptop)  # the create answer set the host cookie
        event_id = created["eventId"]
        page = await laptop.get(f"/e/{event_id}/host")
        assert page.status_code == 200 and page_of(page.text) == "event-host"
        text = page.text
        assert spaced_code(created["code"]) in text and " " in spaced_code(created["code"])
        assert 'class="qr-code"' in text and f'href="{created["joinUrl"]}"' in text
        assert text.count('class="question-row"') == 2 + 1  # two rows and the row template
        assert "Lunch?" in text and "Drafty?" in text
        for fmt in ("csv", "json"):
            assert f"/api/events/{event_id}/export?format={fmt}" in text
        assert 'id="end-dialog"' in text and 'id="question-dialog"' in text
        assert f'href="/e/{event_id}/present"' in text and f'href="/e/{event_id}/summary"' in text
        view = embedded_view(text)
        assert view["eventId"] == event_id and view["isHost"] is True
        assert [q["status"] for q in view["questions"]] == ["draft", "draft"]  # the host's view
        # Controls that need the script wait for it.
        assert re.search(r'id="next"[^>]*disabled data-needs-script', text)


@pytest.mark.parametrize("suffix", PAGES)
async def test_only_the_host_gets_the_host_pages(app: TohyoApp, suffix: str) -> None:
    async with new_client(app) as laptop, new_client(app) as phone:
        created = await create_event(laptop)
        event_id = created["eventId"]
        url = f"/e/{event_id}/{suffix}"
        mine = await laptop.get(url)
        assert mine.status_code == 200 and page_of(mine.text) == f"event-{suffix}"

        other = await phone.get(url)
        # 200: a host link opens here first, and its script trades the token, then reloads.
        assert other.status_code == 200 and page_of(other.text) == "event-not-host"
        assert "This page is for the host" in other.text
        assert f'href="/e/{event_id}"' in other.text  # on to the participant's page
        for secret in ('id="question-list"', "data-view", created["code"], "qr-code"):
            assert secret not in other.text

        # A wrong token is no better than none; the right Bearer token is the host.
        wrong = await phone.get(url, headers={"authorization": "Bearer " + "x" * 43})
        assert page_of(wrong.text) == "event-not-host"
        right = await phone.get(url, headers=bearer(created))
        assert page_of(right.text) == f"event-{suffix}"


async def test_a_host_link_opened_elsewhere_makes_that_browser_the_host(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as projector:
        created = await create_event(laptop)
        event_id = created["eventId"]
        assert created["hostUrl"].startswith(created["joinUrl"] + "/host#host=")
        token = created["hostUrl"].partition("#host=")[2]
        assert page_of((await projector.get(f"/e/{event_id}/host")).text) == "event-not-host"
        # What static/event_run.js claimEventHost does with the fragment.
        claimed = await projector.post(
            f"/api/events/{event_id}/host", headers={"authorization": f"Bearer {token}"}
        )
        assert claimed.status_code == 200 and "HttpOnly" in claimed.headers["set-cookie"]
        for suffix in PAGES:
            page = await projector.get(f"/e/{event_id}/{suffix}")
            assert page_of(page.text) == f"event-{suffix}"


@pytest.mark.parametrize("suffix", PAGES)
async def test_unknown_and_malformed_events_are_404_pages(app: TohyoApp, suffix: str) -> None:
    async with new_client(app) as client:
        for event_id in (UNKNOWN, "not-an-id", "0" * 200):
            page = await client.get(f"/e/{event_id}/{suffix}")
            assert page.status_code == 404 and page_of(page.text) == "not-found"
            assert "This event does not exist or has expired." in page.text


async def test_user_text_is_escaped_everywhere(app: TohyoApp) -> None:
    async with new_client(app) as laptop:
        created = await create_event(laptop, title=XSS, questions=[question(XSS, XSS, "b")])
        for suffix in PAGES:
            text = (await laptop.get(f"/e/{created['eventId']}/{suffix}")).text
            assert XSS not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
        async with new_client(app) as phone:
            text = (await phone.get(f"/e/{created['eventId']}/host")).text
            assert page_of(text) == "event-not-host"
            assert XSS not in text and "&lt;img" in text


class ScriptAudit(HTMLParser):
    """Every <script> loads a file, and no element has an inline handler or style."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "script":
            self.scripts += 1
            if "src" not in names:
                self.problems.append("inline <script>")
        for name in names:
            if name.startswith("on") or name == "style":
                self.problems.append(f"<{tag} {name}=…>")

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and data.strip():
            self.problems.append("script text")


async def test_no_inline_script_and_the_pages_policy(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as phone:
        created = await create_event(laptop)
        for client, suffixes in ((laptop, PAGES), (phone, ("host",))):
            for suffix in suffixes:
                response = await client.get(f"/e/{created['eventId']}/{suffix}")
                assert "script-src 'self'" in response.headers["content-security-policy"]
                assert response.headers["cache-control"] == "no-store"
                audit = ScriptAudit()
                audit.feed(response.text)
                assert audit.scripts >= 1 and audit.problems == [], (suffix, audit.problems)


async def test_an_ended_event_shows_no_join_code_and_no_end_button(app: TohyoApp) -> None:
    async with new_client(app) as laptop:
        created = await create_event(laptop)
        event_id = created["eventId"]
        ended = await laptop.post(f"/api/events/{event_id}/end", json={})
        assert ended.status_code == 200
        text = (await laptop.get(f"/e/{event_id}/host")).text
        assert re.search(r'<aside class="join" id="join"[^>]*hidden', text)
        assert re.search(r'id="end-event"[^>]*hidden', text)
        assert created["code"] not in text and spaced_code(created["code"]) not in text
        assert ">Ended<" in text
        summary = await laptop.get(f"/e/{event_id}/summary")  # the results stay
        assert page_of(summary.text) == "event-summary"


async def test_the_pages_in_japanese(app: TohyoApp) -> None:
    async with new_client(app) as laptop:
        created = await create_event(laptop)
        ja = {"accept-language": "ja-JP,ja;q=0.9"}
        console = (await laptop.get(f"/e/{created['eventId']}/host", headers=ja)).text
        assert '<html lang="ja">' in console
        for key in ("evh_console", "evh_next", "evh_previous", "evh_end_event", "evh_questions"):
            assert html.escape(i18n.strings("ja")[key]) in console, key
        present = (await laptop.get(f"/e/{created['eventId']}/present", headers=ja)).text
        assert i18n.strings("ja")["evh_fullscreen"] in present
        async with new_client(app) as phone:
            other = (await phone.get(f"/e/{created['eventId']}/host", headers=ja)).text
            assert i18n.strings("ja")["evh_not_host_title"] in other


def test_the_host_strings_are_their_own_group() -> None:
    from importlib import resources

    folder = resources.files("tohyo.web") / "locales"
    ours = json.loads((folder / "events_host.json").read_text())
    assert ours and all(key.startswith("evh_") for key in ours)
    for key, texts in ours.items():
        assert set(texts) == set(i18n.LANGUAGES) and all(v.strip() for v in texts.values()), key


def test_join_codes_read_in_groups_of_three() -> None:
    assert spaced_code("123456") == "123 456"
    assert spaced_code("1234567") == "123 45 67"
    assert spaced_code("12345678") == "123 456 78"
    assert spaced_code("") == ""


async def test_with_storage_down_every_event_page_says_try_again_with_a_503(
    app: TohyoApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failing store is a clear page in the reader's language, never a plain-text 500:
    the host's pages as the participant's."""
    async with new_client(app) as laptop:
        created = await create_event(laptop)
        event_id = created["eventId"]

        async def failing(*args: Any) -> Any:
            raise StorageError()

        monkeypatch.setattr(app.objects.events.store, "get_event", failing)
        for path in (*(f"/e/{event_id}/{suffix}" for suffix in PAGES), f"/e/{event_id}"):
            page = await laptop.get(path)
            assert page.status_code == 503, (path, page.text[:200])
            assert page.headers["content-type"].startswith("text/html"), path
            assert page_of(page.text) == "event-unavailable", path
            assert html.escape(i18n.strings("en")["ev_unavailable_title"]) in page.text, path
            ja = await laptop.get(path, headers={"accept-language": "ja"})
            assert (
                ja.status_code == 503
                and html.escape(i18n.strings("ja")["ev_unavailable_title"]) in ja.text
            )
