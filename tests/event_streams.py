"""The event stream handler driven in process: an ASGI `send` that feeds a frame queue and
a `receive` that waits for the test to hang up, so a test can place a change exactly
between the handler's read and its attach. Real servers: test_event_stream.py."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import ServerProcess
from tests.sse import Frame, FrameQueue, Stream
from tohyo.domain.event import Event
from tohyo.domain.event_specs import parse_event
from tohyo.web import security
from tohyo.web.app import TohyoApp
from tohyo.web.event_stream import serve_event_stream
from tohyo.web.http import Message, Request


class HandlerStream(FrameQueue):
    """One call of `serve_event_stream`, its response read as SSE frames."""

    def __init__(self, app: TohyoApp, event_id: str, headers: dict[str, str]) -> None:
        super().__init__()
        self.started: asyncio.Future[Message] = asyncio.get_running_loop().create_future()
        self.hang_up = asyncio.Event()
        # Awaited by `send` before each body write once set: a socket with no room.
        self.blocked: asyncio.Event | None = None
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": f"/api/events/{event_id}/stream",
            "query_string": b"",
            "client": ("127.0.0.1", 50000),
            "headers": [(b"host", b"testserver")]
            + [(k.encode(), v.encode()) for k, v in headers.items()],
        }
        request = Request(scope, self._receive)
        self.task = asyncio.create_task(
            serve_event_stream(app.context, request, event_id, self._send)
        )

    async def _receive(self) -> Message:
        await self.hang_up.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started.set_result(message)
            return
        if self.blocked is not None:
            await self.blocked.wait()
        for line in message["body"].decode().split("\n")[:-1]:
            self.feed(line)
        if not message.get("more_body", False):
            self.ended()

    async def headers(self) -> dict[bytes, list[bytes]]:
        started = await asyncio.wait_for(self.started, 3)
        found: dict[bytes, list[bytes]] = {}
        for name, value in started["headers"]:
            found.setdefault(name, []).append(value)
        return found

    async def close(self) -> None:
        self.hang_up.set()
        await asyncio.wait_for(self.task, 5)


@contextlib.asynccontextmanager
async def handler_stream(
    app: TohyoApp, event_id: str, headers: dict[str, str] | None = None
) -> AsyncIterator[HandlerStream]:
    stream = HandlerStream(app, event_id, headers or {})
    try:
        yield stream
    finally:
        await stream.close()


async def new_event(app: TohyoApp, body: dict[str, Any]) -> tuple[Event, dict[str, str]]:
    """An event created as the API creates one; and its host's headers (Bearer)."""
    token = secrets.token_urlsafe(32)
    event_id = str(uuid.uuid4())
    key = security.host_key(app.context.server_key, event_id, token)
    event = await app.objects.events.create(parse_event(body), event_id, key)
    return event, {"authorization": f"Bearer {token}"}


# --- over HTTP, against real servers -----------------------------------------------------

CHOICES = [{"text": "Ramen"}, {"text": "Curry"}, {"text": "Sushi"}]


def question(prompt: str, visibility: str = "after_vote") -> dict[str, Any]:
    return {"type": "single", "prompt": prompt, "choices": CHOICES, "resultsVisibility": visibility}


def phone(n: int) -> dict[str, str]:
    """Headers of an invented participant: any well-formed voter token is accepted."""
    return {"cookie": f"{security.VOTER_COOKIE}=phone{n:020d}"}


class HostedEvent:
    """An event created over HTTP, and its host's requests (Bearer token)."""

    def __init__(self, http: httpx.AsyncClient, created: dict[str, Any]) -> None:
        self.http = http
        self.created = created
        self.event_id: str = created["eventId"]
        self.host = {"authorization": f"Bearer {created['hostToken']}"}

    async def post(self, path: str, body: Any = None, status: int = 200) -> dict[str, Any]:
        url = f"/api/events/{self.event_id}{path}"
        response = await self.http.post(url, json=body, headers=self.host)
        assert response.status_code == status, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def open(self, question_id: str) -> dict[str, Any]:
        return await self.post(f"/questions/{question_id}/open")

    async def present(self, question_id: str | None) -> dict[str, Any]:
        return await self.post("/present", {"questionId": question_id})

    async def end(self) -> dict[str, Any]:
        return await self.post("/end")

    async def answer(
        self, question_id: str, headers: dict[str, str], choice: str = "1"
    ) -> httpx.Response:
        return await self.http.post(
            f"/api/events/{self.event_id}/questions/{question_id}/responses",
            json={"choiceIds": [choice]},
            headers=headers,
        )


async def host_event(http: httpx.AsyncClient, *questions: dict[str, Any]) -> HostedEvent:
    response = await http.post("/api/events", json={"title": "Workshop", "questions": questions})
    assert response.status_code == 201, response.text
    return HostedEvent(http, response.json())


@contextlib.asynccontextmanager
async def open_event_stream(
    http: httpx.AsyncClient, event_id: str, headers: dict[str, str] | None = None
) -> AsyncIterator[Stream]:
    url = f"/api/events/{event_id}/stream"
    async with http.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200, (await response.aread()).decode()
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = Stream(response)
        try:
            yield stream
        finally:
            await stream.aclose()


Start = Callable[..., ServerProcess]  # start(**TOHYO_settings) -> a running server


def starter(backend: str, server_factory: Any, tmp_path: Path) -> Start:
    """Start servers over `backend` (memory or sqlite), `TOHYO_*` settings as keywords."""
    storage = "memory://" if backend == "memory" else f"sqlite:///{tmp_path / 'ev.db'}"

    def starting(**env: str) -> ServerProcess:
        server: ServerProcess = server_factory(storage=storage, **env).start()
        return server

    return starting


def client_for(server: ServerProcess) -> httpx.AsyncClient:
    """A client that keeps no cookies: each request says who it is."""
    client = httpx.AsyncClient(base_url=server.url, timeout=httpx.Timeout(5, read=30))
    client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return client


# The servers of a stream test: `start` runs it over memory, then over SQLite; `http` is a
# client of one server with the defaults. A test module takes them with
# `start, http = event_streams.start, event_streams.http`.
@pytest.fixture(params=["memory", "sqlite"])
def start(request: pytest.FixtureRequest, server_factory: Any, tmp_path: Path) -> Start:
    return starter(request.param, server_factory, tmp_path)


@pytest.fixture
async def http(start: Start) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(start()) as c:
        yield c


def shown(frame: Frame) -> dict[str, dict[str, Any]]:
    """The frame's questions by id."""
    return {q["questionId"]: q for q in frame.data["questions"]}


def without_counters(frame: Frame) -> Frame:
    """`frame`, checked to be as a participant's must be: no `id:` line and neither
    counter. The version counts every answer of every round (it would give counts away
    that the phone may not see), the revision every edit of a draft: the host's alone."""
    assert frame.get("id") is None, frame.fields
    assert "version" not in frame.data and "revision" not in frame.data, frame.data
    return frame


def minted_cookie(stream: Stream) -> dict[str, str]:
    """The voter cookie the stream's response set, as a later request sends it."""
    (set_cookie,) = stream.response.headers.get_list("set-cookie")
    pair = set_cookie.split(";")[0]
    assert pair.startswith(security.VOTER_COOKIE + "=")
    return {"cookie": pair}
