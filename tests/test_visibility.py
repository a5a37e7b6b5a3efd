"""Who sees the counts, in every channel, and deadlines, through the API.

The matrix: each results visibility x (host, a voter who voted, a voter who did not) x
(open, closed), checked on GET /api/vote/{id}, the JSON export, the page, and the stream
(a real server, where a switch of visibility and a deadline reach open viewers live).
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import httpx
import pytest

from tests.conftest import QUESTION, create_session, host, voter
from tests.crowd import client_for
from tests.sse import open_snapshot, open_stream
from tohyo import domain
from tohyo.web.app import TohyoApp

EXPECTED = {  # visibility -> (voted sees while open, not voted sees while open, ... closed)
    "after_vote": (True, False, True, False),
    "always": (True, True, True, True),
    "after_close": (False, False, True, True),
    "host": (False, False, False, False),
}


async def sees(client: httpx.AsyncClient, sid: str, headers: dict[str, str]) -> set[bool]:
    """Whether each channel shows this viewer the counts (a set of one value if they agree)."""
    view = (await client.get(f"/api/vote/{sid}", headers=headers)).json()
    export = await client.get(f"/api/vote/{sid}/export", headers=headers)
    page = (await client.get(f"/vote/{sid}", headers=headers)).text
    page_shows = re.search(r'<section id="results-section"[^>]*hidden', page) is None
    assert export.status_code in (200, 403)
    if export.status_code == 403:
        assert export.json()["code"] == "results_hidden"
    return {"totalVotes" in view, export.status_code == 200, page_shows}


@pytest.mark.parametrize("visibility", list(EXPECTED))
async def test_who_sees_the_counts_in_every_channel(
    client: httpx.AsyncClient, visibility: str
) -> None:
    created = await create_session(client, resultsVisibility=visibility)
    sid = created["sessionId"]
    assert created["resultsVisibility"] == visibility
    await client.post(f"/api/vote/{sid}", json={"choiceIds": ["1"]}, headers=voter(1))
    voted, fresh = voter(1), voter(2)
    open_voted, open_fresh, closed_voted, closed_fresh = EXPECTED[visibility]
    assert await sees(client, sid, host(created)) == {True}  # the host always sees
    assert await sees(client, sid, voted) == {open_voted}
    assert await sees(client, sid, fresh) == {open_fresh}
    await client.post(f"/api/vote/{sid}/close", headers=host(created))
    assert await sees(client, sid, host(created)) == {True}
    assert await sees(client, sid, voted) == {closed_voted}
    assert await sees(client, sid, fresh) == {closed_fresh}


async def test_settings_are_for_the_host_and_checked(client: httpx.AsyncClient) -> None:
    created = await create_session(client)
    url = f"/api/vote/{created['sessionId']}/settings"
    body = {"resultsVisibility": "always"}
    client.cookies.clear()  # creating set the host cookie in this client
    assert (await client.post(url, json=body)).status_code == 401
    wrong = {"authorization": "Bearer " + "x" * 30}
    assert (await client.post(url, json=body, headers=wrong)).status_code == 403
    for bad in (
        {"resultsVisibility": "everyone"},
        {"durationSeconds": 1},
        {"durationSeconds": "60"},
        {"closesAt": "tomorrow"},
        {"closesAt": "2026-11-28T18:30:00"},  # no time zone
        {"closesAt": "2020-01-01T00:00:00Z"},  # the past
        {"closesAt": "2099-01-01T00:00:00Z"},  # after the session expires
        {"closesAt": "2099-01-01T00:00:00Z", "durationSeconds": 60},
    ):
        response = await client.post(url, json=bad, headers=host(created))
        assert response.status_code == 400, bad
        assert response.json()["code"] == "validation_error"
    changed = await client.post(url, json={"durationSeconds": 60, **body}, headers=host(created))
    assert changed.status_code == 200
    view = changed.json()
    assert view["resultsVisibility"] == "always" and view["isHost"] is True
    left = domain_time(view["closesAt"]) - time.time()
    assert 55 < left <= 61


def domain_time(value: str) -> float:
    return domain.parse_time(value, "t") / 1000


async def test_a_deadline_at_creation_and_a_vote_after_it(app: TohyoApp) -> None:
    clock = [int(time.time() * 1000)]
    app.objects.clock = lambda: clock[0]  # the sessions' clock, moved by hand
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        created = await create_session(client, durationSeconds=30)
        sid = created["sessionId"]
        assert domain_time(created["closesAt"]) == pytest.approx(clock[0] / 1000 + 30)
        ok = await client.post(f"/api/vote/{sid}", json={"choiceIds": ["1"]}, headers=voter(1))
        assert ok.status_code == 201
        clock[0] += 30_000
        late = await client.post(f"/api/vote/{sid}", json={"choiceIds": ["1"]}, headers=voter(2))
        assert late.status_code == 403 and late.json()["code"] == "closed"
        view = (await client.get(f"/api/vote/{sid}", headers=host(created))).json()
        assert view["status"] == "closed" and view["closedAt"] == view["closesAt"]


@pytest.mark.slow
async def test_open_streams_follow_a_visibility_switch_and_the_deadline(
    server_factory: Any,
) -> None:
    server = server_factory(storage="memory://").start()
    async with client_for(server) as http:
        created = (
            await http.post("/api/vote", json={**QUESTION, "resultsVisibility": "host"})
        ).json()
        sid = created["sessionId"]
        async with open_stream(http, sid, voter(7)) as stream:  # a voter who has not voted
            first = await open_snapshot(stream)
            assert "totalVotes" not in first.data and first.data["resultsVisibility"] == "host"
            await http.post(f"/api/vote/{sid}", json={"choiceIds": ["2"]}, headers=voter(1))
            # A ballot changes nothing this viewer may see: no frame at all (the rhythm of
            # frames would count the votes), and no version anywhere.
            assert [f for f in await stream.quiet(0.5) if f.event] == []
            assert "version" not in first.data and first.get("id") is None
            settings = {"resultsVisibility": "always", "durationSeconds": 5}
            response = await http.post(
                f"/api/vote/{sid}/settings", json=settings, headers=host(created)
            )
            assert response.status_code == 200
            shown = await stream.next_event()
            assert shown.data["totalVotes"] == 1 and "closesAt" in shown.data
            # Nobody touches the session: the deadline alone closes it, and says so.
            started = time.monotonic()
            closed = await stream.next_event(timeout=10)
            assert closed.event == "closed" and closed.data["status"] == "closed"
            assert closed.data["closedAt"] == closed.data["closesAt"]
            assert 3 < time.monotonic() - started < 8
        late = await http.post(f"/api/vote/{sid}", json={"choiceIds": ["1"]}, headers=voter(3))
        assert late.status_code == 403
    await asyncio.sleep(0)
