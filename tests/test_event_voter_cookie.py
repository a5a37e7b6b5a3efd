"""The voter cookie for events, over every backend, in-process: one lifetime wherever it
is set — the answer, the event stream, the phone page, and the poll's vote, which the same
cookie serves — long enough to outlast any event or poll, and renewed on every answer and
every participant's stream and page, so a participant back after days is the participant
who answered (and answers no round twice), and an open stream never outlives its cookie."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import create_session, host, new_client
from tests.event_streams import handler_stream
from tests.events_http import NOBODY, answer, create_event, event_url, open_question
from tohyo.config import Settings
from tohyo.web import security
from tohyo.web.app import TohyoApp

DAY = 86_400
TOKEN = "participant00000000000001"
MINE = {"cookie": f"{security.VOTER_COOKIE}={TOKEN}"}


@pytest.fixture(params=[(DAY, 30 * DAY), (60 * DAY, 7 * DAY)], ids=["events-last", "polls-last"])
def settings(storage: str, request: pytest.FixtureRequest) -> Settings:
    session_ttl, event_retention = request.param
    return Settings(
        storage=storage,
        stream_interval=0.01,
        session_ttl=session_ttl,
        event_retention=event_retention,
    )


def lifetime(settings: Settings) -> int:
    """A day more than the longest a poll or an event lives."""
    return max(settings.session_ttl, settings.event_retention) + DAY


def voter_cookie(set_cookies: list[str]) -> tuple[str, int]:
    """The voter cookie among `set_cookies`: its token and Max-Age."""
    (cookie,) = [c for c in set_cookies if c.startswith(security.VOTER_COOKIE + "=")]
    parts = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=lax", "path=/"} <= parts, cookie
    token = cookie.split(";")[0].partition("=")[2]
    found = re.search(r"Max-Age=(\d+)", cookie)
    assert found, cookie
    return token, int(found.group(1))


def no_voter_cookie(set_cookies: list[str]) -> bool:
    return not any(c.startswith(security.VOTER_COOKIE + "=") for c in set_cookies)


async def test_an_answer_sets_the_cookie_for_the_longest_lifetime_and_every_answer_renews_it(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    created = await create_event(client)
    await open_question(client, created, "q1")
    await open_question(client, created, "q2")
    async with new_client(app) as phone:
        first = await answer(phone, created, "q1", ["1"], {})
        assert first.status_code == 201, first.text
        token, max_age = voter_cookie(first.headers.get_list("set-cookie"))
        assert security.well_formed(token) and max_age == lifetime(app.settings)
        # The next answer, with the cookie: the same token again, its lifetime whole.
        second = await answer(phone, created, "q2", ["1", "2"], {})
        assert second.status_code == 201, second.text
        assert voter_cookie(second.headers.get_list("set-cookie")) == (token, max_age)


async def test_a_participants_page_and_stream_renew_the_cookie_and_the_hosts_get_none(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    created = await create_event(client)
    expected = (TOKEN, lifetime(app.settings))
    page = await client.get(f"/e/{created['eventId']}", headers=MINE)
    assert page.status_code == 200
    assert voter_cookie(page.headers.get_list("set-cookie")) == expected
    async with handler_stream(app, created["eventId"], MINE) as stream:
        set_cookies = [v.decode() for v in (await stream.headers()).get(b"set-cookie", [])]
        assert voter_cookie(set_cookies) == expected

    # A browser new to tohyo gets a new token, with the same lifetime, from either.
    fresh_page = await client.get(f"/e/{created['eventId']}", headers=NOBODY)
    token, max_age = voter_cookie(fresh_page.headers.get_list("set-cookie"))
    assert token != TOKEN and max_age == expected[1]
    async with handler_stream(app, created["eventId"]) as stream:
        set_cookies = [v.decode() for v in (await stream.headers()).get(b"set-cookie", [])]
        token, max_age = voter_cookie(set_cookies)
        assert token != TOKEN and max_age == expected[1]

    # The host's page and stream are the host's, not a participant's: no voter cookie.
    hosting = {**host(created), **MINE}
    hosts_page = await client.get(f"/e/{created['eventId']}", headers=hosting)
    assert hosts_page.status_code == 200 and no_voter_cookie(
        hosts_page.headers.get_list("set-cookie")
    )
    async with handler_stream(app, created["eventId"], hosting) as stream:
        set_cookies = [v.decode() for v in (await stream.headers()).get(b"set-cookie", [])]
        assert no_voter_cookie(set_cookies)


async def test_a_poll_vote_never_shortens_an_event_participants_cookie(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    created = await create_event(client)
    await open_question(client, created, "q1")
    answered = await answer(client, created, "q1", ["1"], MINE)
    event_cookie = voter_cookie(answered.headers.get_list("set-cookie"))
    poll = await create_session(client)
    voted = await client.post(
        f"/api/vote/{poll['sessionId']}", json={"choiceIds": ["1"]}, headers=MINE
    )
    assert voted.status_code == 201, voted.text
    assert voter_cookie(voted.headers.get_list("set-cookie")) == event_cookie
    # And the participant is still the one who answered: once per round.
    again = await answer(client, created, "q1", ["2"], MINE)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert (await client.get(event_url(created), headers=MINE)).json()["questions"][0]["answered"]
