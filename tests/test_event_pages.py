"""The participant's pages of events, rendered in-process: the phone page in each of its
first screens, its 404s and languages, the voter cookie it gives, "My events", creating
an event, and joining by code from `/`. (Chromium drives them in test_browser_events.)"""

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

from tests.conftest import new_client, voter
from tohyo.config import Settings
from tohyo.web.app import TohyoApp, create_app

XSS = "<img src=x onerror=alert(1)>"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
async def app() -> AsyncIterator[TohyoApp]:
    # Pages do not depend on the backend (the conformance suites cover those).
    application = create_app(Settings(storage="memory://", stream_interval=0.01))
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def client(app: TohyoApp) -> AsyncIterator[httpx.AsyncClient]:
    async with new_client(app) as c:
        yield c


def question(prompt: str, *choices: str, **extra: Any) -> dict[str, Any]:
    return {"type": "single", "prompt": prompt, "choices": [{"text": c} for c in choices], **extra}


async def create_event(client: httpx.AsyncClient, **body: Any) -> dict[str, Any]:
    payload = {
        "title": "Workshop",
        "questions": [question("Lunch?", "Ramen", "Curry"), question("Drafty?", "A", "B")],
        **body,
    }
    response = await client.post("/api/events", json=payload)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    created["auth"] = {"authorization": f"Bearer {created['hostToken']}"}
    return created


async def host_does(
    client: httpx.AsyncClient, created: dict[str, Any], path: str, **body: Any
) -> None:
    response = await client.post(
        f"/api/events/{created['eventId']}{path}", json=body, headers=created["auth"]
    )
    assert response.status_code == 200, response.text


def page_view(page: str) -> dict[str, Any]:
    found = re.search(r'data-view="([^"]*)"', page)
    assert found, "no data-view"
    view: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return view


def screen(page: str) -> str:
    found = re.search(r'data-screen="([a-z]+)"', page)
    assert found
    return found.group(1)


def shown(page: str, section_id: str) -> bool:
    tag = re.search(rf'<section id="{section_id}"[^>]*>', page)
    assert tag, section_id
    return " hidden" not in tag.group(0)


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, as a browser would parse them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_no_inline_script(page: str) -> None:
    for tag, attrs in Tags(page).tags:
        assert tag != "script" or attrs.get("src"), "an inline script"
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, (tag, handlers)


async def test_the_phone_page_of_a_new_event_is_the_lobby(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as phone:
        created = await create_event(laptop, title=XSS)
        response = await phone.get(f"/e/{created['eventId']}")
        assert response.status_code == 200
        page = response.text
        assert 'data-page="event"' in page and screen(page) == "lobby"
        assert shown(page, "ev-lobby") and not shown(page, "ev-ended")
        assert "Waiting for the host…" in page
        assert XSS not in page and html.escape(XSS, quote=False) in page
        code = created["code"]
        assert f"Code {code[:3]} {code[3:]}" in page  # as the host's screen shows it
        view = page_view(page)
        assert view["title"] == XSS and view["presenting"] is None and not view["isHost"]
        assert view["questions"] == []  # drafts never reach a participant
        assert "Drafty?" not in page
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
        assert_no_inline_script(page)


async def test_the_page_gives_a_voter_cookie_before_the_stream_opens(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as phone:
        created = await create_event(laptop)
        first = await phone.get(f"/e/{created['eventId']}")
        cookie = first.headers["set-cookie"]
        assert cookie.startswith("tohyo_voter=") and "HttpOnly" in cookie
        assert "samesite=lax" in cookie.lower()
        again = await phone.get(f"/e/{created['eventId']}")
        assert again.headers["set-cookie"] == cookie  # kept, its lifetime renewed
        # The host's own browser is the host, not a participant: no cookie, and a way back.
        hosted = await laptop.get(f"/e/{created['eventId']}")
        assert "tohyo_voter" not in hosted.headers.get("set-cookie", "")
        assert page_view(hosted.text)["isHost"] is True
        assert f'href="/e/{created["eventId"]}/host"' in hosted.text


async def test_a_latecomer_gets_the_presented_question_and_its_answer(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as phone:
        created = await create_event(laptop)
        await host_does(laptop, created, "/questions/q1/open")
        await host_does(laptop, created, "/present", questionId="q1")
        url = f"/e/{created['eventId']}"
        page = (await phone.get(url)).text
        assert screen(page) == "question" and not shown(page, "ev-lobby")
        view = page_view(page)
        assert view["presenting"] == "q1"
        [q1] = view["questions"]
        assert q1["prompt"] == "Lunch?" and q1["status"] == "open" and not q1["answered"]
        assert "results" not in q1  # after_vote: not before answering
        answered = await phone.post(
            f"/api/events/{created['eventId']}/questions/q1/responses", json={"choiceIds": ["2"]}
        )
        assert answered.status_code == 201, answered.text
        [q1] = page_view((await phone.get(url)).text)["questions"]
        assert q1["answered"] and q1["results"]["totalVotes"] == 1


async def test_audience_pace_and_an_ended_event(client: httpx.AsyncClient) -> None:
    created = await create_event(client, pace="audience")
    url = f"/e/{created['eventId']}"
    assert screen((await client.get(url, headers=voter(1))).text) == "lobby"  # nothing open
    await host_does(client, created, "/questions/q1/open")
    page = (await client.get(url, headers=voter(1))).text
    assert screen(page) == "list" and [q["questionId"] for q in page_view(page)["questions"]] == [
        "q1"
    ]
    await host_does(client, created, "/end")
    page = (await client.get(url, headers=voter(1))).text
    assert screen(page) == "ended" and shown(page, "ev-ended") and not shown(page, "ev-lobby")
    assert "This event has ended" in page
    assert 'id="ev-code"' not in page  # the code is released when the event ends


async def test_unknown_and_malformed_events_get_a_404_page(client: httpx.AsyncClient) -> None:
    for path in (f"/e/{UNKNOWN}", "/e/abc", "/e/" + "x" * 300, f"/e/{UNKNOWN.upper()}"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert 'href="/"' in response.text
        assert "This event does not exist or has expired." in response.text
        assert "tohyo_voter" not in response.headers.get("set-cookie", "")
    ja = await client.get(f"/e/{UNKNOWN}", headers={"accept-language": "ja"})
    assert ja.status_code == 404
    assert "このイベントは存在しないか" in ja.text.replace("\u200b", "")  # phrases' marks aside


async def test_the_pages_speak_japanese_and_english(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as phone:
        created = await create_event(laptop)
        url = f"/e/{created['eventId']}"
        ja = await phone.get(url, headers={"accept-language": "ja-JP,ja;q=0.9"})
        assert '<html lang="ja">' in ja.text
        assert "ホストを待っています…" in ja.text.replace("\u200b", "")  # phrases' marks aside
        assert 'data-lang="ja"' in ja.text
        switched = await phone.get(url + "?lang=en", headers={"accept-language": "ja"})
        assert '<html lang="en">' in switched.text and "Waiting for the host…" in switched.text
        assert "tohyo_lang=en" in switched.headers["set-cookie"]
        for path, en, japanese in (
            ("/mine", "My events and votes", "作成したイベントと投票"),
            ("/events/new", "Create an event", "イベントを作成"),
            ("/", "Join with a code", "コードで参加"),
        ):
            page = (await phone.get(path + "?lang=en")).text
            assert en in page, path
            assert_no_inline_script(page)
            assert japanese in (await phone.get(path + "?lang=ja")).text.replace("\u200b", ""), path


async def test_the_index_joins_by_code_and_links_to_events(client: httpx.AsyncClient) -> None:
    page = (await client.get("/")).text
    field = re.search(r'<input id="join-code"[^>]*>', page)
    assert field and 'inputmode="numeric"' in field.group(0)
    assert 'id="create-form"' in page  # the poll's form stays
    assert 'href="/events/new"' in page and 'href="/mine"' in page
    # The join button needs its script (join.js), as every such control does.
    assert re.search(r'<button type="submit"[^>]*disabled data-needs-script>Join<', page)


async def test_the_create_form_carries_the_api_limits(client: httpx.AsyncClient) -> None:
    page = (await client.get("/events/new")).text
    assert 'data-page="event-create"' in page
    form = re.search(r'<form id="event-form"[^>]*>', page)
    assert form
    for name, value in (("title-max", "200"), ("questions-max", "100"), ("choices-max", "10")):
        assert f'data-{name}="{value}"' in form.group(0), name


async def test_the_pages_scripts_are_served(client: httpx.AsyncClient) -> None:
    for asset in (
        "phone.js",
        "bars.js",
        "join.js",
        "hosted.js",
        "mine.js",
        "event_create.js",
        "events.css",
    ):
        assert (await client.get(f"/static/{asset}")).status_code == 200, asset
