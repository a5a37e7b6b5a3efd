"""`myChoiceIds`: the view a voter is served carries their own ballot's choices (so a
phone shows them again after a reload), and no one else's view, stream or export does."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from html import unescape
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import httpx
import pytest

from tests.conftest import QUESTION, ServerProcess, create_session, host, new_client, voter
from tests.sse import open_snapshot, open_stream
from tohyo.web.app import TohyoApp
from tohyo.web.security import VOTER_COOKIE

MULTIPLE = {**QUESTION, "voteType": "multiple"}


def forgetful(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """Keep no cookies: each request is exactly the voter or host its headers say."""
    client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return client


@pytest.fixture
async def client(app: TohyoApp) -> AsyncIterator[httpx.AsyncClient]:
    async with forgetful(new_client(app)) as c:
        yield c


async def view(client: httpx.AsyncClient, sid: str, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get(f"/api/vote/{sid}", headers=headers)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def cast(client: httpx.AsyncClient, sid: str, ids: list[str], who: dict[str, str]) -> None:
    response = await client.post(f"/api/vote/{sid}", json={"choiceIds": ids}, headers=who)
    assert response.status_code == 201, response.text


async def test_the_voter_sees_their_own_choices_after_voting(client: httpx.AsyncClient) -> None:
    sid = (await create_session(client))["sessionId"]
    before = await view(client, sid, voter(1))
    assert before["hasVoted"] is False and "myChoiceIds" not in before
    await cast(client, sid, ["2"], voter(1))
    after = await view(client, sid, voter(1))
    assert after["hasVoted"] is True and after["myChoiceIds"] == ["2"]


async def test_multiple_choices_are_told_in_the_sessions_order(client: httpx.AsyncClient) -> None:
    sid = (await create_session(client, **MULTIPLE))["sessionId"]
    await cast(client, sid, ["3", "1"], voter(1))
    assert (await view(client, sid, voter(1)))["myChoiceIds"] == ["1", "3"]


async def test_no_one_else_is_shown_a_voters_choices(client: httpx.AsyncClient) -> None:
    created = await create_session(client, resultsVisibility="always")
    sid = created["sessionId"]
    await cast(client, sid, ["3"], voter(1))
    for who in (voter(2), host(created), {}):
        seen = await view(client, sid, who)
        assert "myChoiceIds" not in seen and seen["hasVoted"] is False
    exported = await client.get(f"/api/vote/{sid}/export?format=json", headers=voter(1))
    assert exported.status_code == 200 and "myChoiceIds" not in exported.text
    # The host's browser that voted with its own voter cookie is that voter.
    both = {**host(created), **voter(1)}
    assert (await view(client, sid, both))["myChoiceIds"] == ["3"]


async def test_the_choices_stay_once_voting_is_closed(client: httpx.AsyncClient) -> None:
    created = await create_session(client)
    sid = created["sessionId"]
    await cast(client, sid, ["1"], voter(1))
    closed = await client.post(f"/api/vote/{sid}/close", headers=host(created))
    assert closed.status_code == 200
    seen = await view(client, sid, voter(1))
    assert seen["status"] == "closed" and seen["myChoiceIds"] == ["1"]


async def test_a_malformed_voter_cookie_finds_no_choices(client: httpx.AsyncClient) -> None:
    sid = (await create_session(client))["sessionId"]
    await cast(client, sid, ["1"], voter(1))
    seen = await view(client, sid, {"cookie": f"{VOTER_COOKIE}=short"})
    assert seen["hasVoted"] is False and "myChoiceIds" not in seen


async def test_the_stream_never_carries_a_voters_choices(server: ServerProcess) -> None:
    async with forgetful(httpx.AsyncClient(base_url=server.url, timeout=10)) as http:
        sid = (await create_session(http, resultsVisibility="always"))["sessionId"]
        await cast(http, sid, ["2"], voter(1))
        async with open_stream(http, sid, headers=voter(1)) as stream:
            snapshot = await open_snapshot(stream)
            assert "myChoiceIds" not in snapshot.data and "hasVoted" not in snapshot.data
            await cast(http, sid, ["1"], voter(2))
            update = await stream.next()
            assert update is not None and update.event == "update"
            assert "myChoiceIds" not in update.data


def page_view(html: str) -> dict[str, Any]:
    """The view a page embeds for its scripts (data-view, HTML-escaped JSON)."""
    found = re.search(r'data-view="([^"]*)"', html)
    assert found is not None
    view: dict[str, Any] = json.loads(unescape(found.group(1)))
    return view


async def test_the_voting_page_carries_the_voters_own_choices(client: httpx.AsyncClient) -> None:
    created = await create_session(client, **MULTIPLE)
    sid = created["sessionId"]
    await cast(client, sid, ["3", "2"], voter(1))
    mine = page_view((await client.get(f"/vote/{sid}", headers=voter(1))).text)
    assert mine["hasVoted"] is True and mine["myChoiceIds"] == ["2", "3"]
    for who in (voter(2), host(created)):
        other = page_view((await client.get(f"/vote/{sid}", headers=who)).text)
        assert "myChoiceIds" not in other
