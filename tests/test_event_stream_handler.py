"""The event stream's handler in process, where a test can hold its snapshot in `send`
and commit a change exactly then: the races between a phone's read, its own answer and
its attach. Over memory, SQLite and Redis. (Real servers: test_event_stream.py.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager

from tests.event_streams import HandlerStream, handler_stream, new_event, question
from tests.redis_servers import RedisServer
from tests.sse import open_snapshot
from tohyo.config import Settings
from tohyo.domain import event_transitions as transitions
from tohyo.errors import TooManyStreams
from tohyo.web import security
from tohyo.web.app import TohyoApp, create_app
from tohyo.web.http import parse_cookies


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def app(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[TohyoApp]:
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        server.flush()
        storage = server.url
    else:
        storage = "memory://" if request.param == "memory" else f"sqlite:///{tmp_path / 'e.db'}"
    application = create_app(Settings(storage=storage, stream_interval=0.01))
    async with LifespanManager(application):
        yield application


def key_of(app: TohyoApp, event_id: str, token: str) -> bytes:
    return security.voter_key(app.context.server_key, event_id, token)


async def test_a_phone_without_a_cookie_is_given_one_and_its_answer_shows_on_the_open_stream(
    app: TohyoApp,
) -> None:
    event, _ = await new_event(app, {"title": "Workshop", "questions": [question("Lunch?")]})
    eid = event.event_id
    events = app.objects.events
    await events.change(eid, lambda e, now: transitions.open_question(e, "q1", now))
    await events.change(eid, lambda e, now: transitions.present(e, "q1"))
    async with handler_stream(app, eid) as phone:
        headers = await phone.headers()
        (set_cookie,) = headers[b"set-cookie"]
        token = parse_cookies(set_cookie.decode().split(";")[0])[security.VOTER_COOKIE]
        assert security.well_formed(token)
        lifetime = max(app.settings.session_ttl, app.settings.event_retention) + 86_400
        assert f"Max-Age={lifetime}" in set_cookie.decode()
        snapshot = await open_snapshot(phone)
        (q1,) = snapshot.data["questions"]
        assert q1["answered"] is False and "results" not in q1
        await events.answer(eid, key_of(app, eid, token), "q1", {"choiceIds": ["2"]})
        update = await phone.next_event()
        (q1,) = update.data["questions"]
        assert q1["answered"] is True
        assert q1["results"]["totalVotes"] == 1


async def test_a_phone_with_a_cookie_is_given_it_again_and_the_host_none(app: TohyoApp) -> None:
    event, host = await new_event(app, {"title": "Workshop"})
    cookie = {"cookie": f"{security.VOTER_COOKIE}=voter00000000000000000001"}
    async with handler_stream(app, event.event_id, cookie) as stream:
        (set_cookie,) = (await stream.headers())[b"set-cookie"]
        # The same token, its lifetime renewed: it cannot run out under the open stream.
        assert set_cookie.decode().startswith(cookie["cookie"] + ";")
        await open_snapshot(stream)
    async with handler_stream(app, event.event_id, host) as stream:
        assert b"set-cookie" not in await stream.headers()
        await open_snapshot(stream)


async def test_an_answer_committed_while_the_snapshot_is_being_sent_shows_at_once(
    app: TohyoApp,
) -> None:
    """The phone's read came before its own answer, and the answer's change is published
    while the snapshot waits for the socket: the stream learns of it on attaching."""
    event, _ = await new_event(app, {"title": "Workshop", "questions": [question("Lunch?")]})
    eid = event.event_id
    events = app.objects.events
    await events.change(eid, lambda e, now: transitions.open_question(e, "q1", now))
    await events.change(eid, lambda e, now: transitions.present(e, "q1"))
    token = "phone0000000000000000001"
    async with handler_stream(app, eid, {"cookie": f"tohyo_voter={token}"}) as phone:
        phone.blocked = asyncio.Event()  # the snapshot's write waits in send
        await phone.headers()
        await events.answer(eid, key_of(app, eid, token), "q1", {"choiceIds": ["1"]})
        phone.blocked.set()
        snapshot = await open_snapshot(phone)
        assert "results" not in snapshot.data["questions"][0]  # as it was read
        update = await phone.next_event()
        (q1,) = update.data["questions"]
        assert q1["answered"] is True and q1["results"]["totalVotes"] == 1
        assert app.objects.feed.event_topic(eid).pending == {}  # type: ignore[union-attr]


async def test_the_host_sees_drafts_and_every_result_and_a_phone_neither(app: TohyoApp) -> None:
    body = {
        "title": "Workshop",
        "questions": [question("Lunch?", "host"), question("Dinner?")],
    }
    event, host = await new_event(app, body)
    eid = event.event_id
    events = app.objects.events
    await events.change(eid, lambda e, now: transitions.open_question(e, "q1", now))
    await events.change(eid, lambda e, now: transitions.present(e, "q1"))
    await events.answer(eid, b"someone-else-000", "q1", {"choiceIds": ["3"]})
    async with handler_stream(app, eid, host) as console, handler_stream(app, eid) as phone:
        shown = (await open_snapshot(console)).data
        assert shown["isHost"] is True
        assert [q["questionId"] for q in shown["questions"]] == ["q1", "q2"]
        assert all("results" in q for q in shown["questions"])
        assert shown["version"] == 4
        seen = (await open_snapshot(phone)).data
        assert seen["isHost"] is False
        assert [q["questionId"] for q in seen["questions"]] == ["q1"]
        assert "results" not in seen["questions"][0]
        assert "version" not in seen and "revision" not in seen  # the host's counters
        assert shown["revision"] == 3


async def test_event_streams_count_against_the_same_caps_as_poll_streams() -> None:
    app = create_app(Settings(storage="memory://", max_streams_per_address=2))
    async with LifespanManager(app):
        event, _ = await new_event(app, {"title": "Workshop"})
        async with handler_stream(app, event.event_id) as first:
            await open_snapshot(first)
            async with handler_stream(app, event.event_id) as second:
                await open_snapshot(second)
                refused = HandlerStream(app, event.event_id, {})
                with pytest.raises(TooManyStreams):
                    await asyncio.wait_for(refused.task, 3)
                assert not refused.started.done()  # refused before any byte
                assert app.context.streams.total == 2
            async with handler_stream(app, event.event_id) as again:  # room once more
                await open_snapshot(again)
                assert app.context.streams.total == 2
        assert app.context.streams.total == 0
