"""HTTP helpers for event tests against real servers (`tohyo serve`): the event API calls
a host and its phones make, joining the event's stream, and reading a stream until it
shows a state. See crowd.py for the clients themselves (no cookies kept; each request
says who it is), sse.py for the frame reader and event_streams.py for the stream itself.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from tests.conftest import host, voter
from tests.event_streams import open_event_stream
from tests.sse import Stream, open_snapshot


def question(prompt: str, n: int = 3, **extra: Any) -> dict[str, Any]:
    """A single-choice question spec with `n` choices."""
    return {
        "type": "single",
        "prompt": prompt,
        "choices": [{"text": f"choice {i}"} for i in range(1, n + 1)],
        **extra,
    }


async def create_event(http: httpx.AsyncClient, *questions: dict[str, Any]) -> dict[str, Any]:
    body = {"title": "Workshop", "questions": list(questions)}
    response = await http.post("/api/events", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def host_post(
    http: httpx.AsyncClient, created: dict[str, Any], path: str, body: Any = None
) -> dict[str, Any]:
    """A host's operation on the event (`path` after /api/events/{eventId}/): its 200."""
    url = f"/api/events/{created['eventId']}/{path}"
    response = await http.post(url, json=body, headers=host(created))
    assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
    reply: dict[str, Any] = response.json()
    return reply


async def present(http: httpx.AsyncClient, created: dict[str, Any], qid: str | None) -> None:
    view = await host_post(http, created, "present", {"questionId": qid})
    assert view["presenting"] == qid


async def answer(
    http: httpx.AsyncClient, event_id: str, qid: str, n: int, choice: str
) -> httpx.Response:
    """Phone n's answer (its voter cookie) to `qid`: one choice."""
    url = f"/api/events/{event_id}/questions/{qid}/responses"
    return await http.post(url, json={"choiceIds": [choice]}, headers=voter(n))


async def host_view(http: httpx.AsyncClient, created: dict[str, Any]) -> dict[str, Any]:
    response = await http.get(f"/api/events/{created['eventId']}", headers=host(created))
    assert response.status_code == 200, response.text
    view: dict[str, Any] = response.json()
    assert view["isHost"] is True
    return view


def shown(view: dict[str, Any], qid: str) -> dict[str, Any] | None:
    """`qid` as the view shows it, or None (a phone's frame may carry only the questions
    the phone shows)."""
    found = [q for q in view["questions"] if q["questionId"] == qid]
    return found[0] if found else None


def results(view: dict[str, Any], qid: str) -> tuple[int, list[int]] | None:
    """(totalVotes, the count of each choice) of `qid` as the view shows them, or None."""
    question = shown(view, qid)
    if question is None or "results" not in question:
        return None
    counts = [c["voteCount"] for c in question["results"]["choices"]]
    return question["results"]["totalVotes"], counts


@contextlib.asynccontextmanager
async def joined_stream(
    http: httpx.AsyncClient, event_id: str, headers: dict[str, str] | None = None
) -> AsyncIterator[tuple[Stream, dict[str, Any]]]:
    """The event's stream past its retry hint and snapshot: (stream, the snapshot's state)."""
    async with open_event_stream(http, event_id, headers) as stream:
        snapshot = await open_snapshot(stream)
        yield stream, snapshot.data


async def until_state(
    stream: Stream,
    shows: Callable[[dict[str, Any]], bool],
    timeout: float = 15,
    start: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Read `stream` until a state (frames are absolute) satisfies `shows`; return it.
    `start` is the state last read, checked first. Only updates may come: a second
    snapshot would mean the stream had started over."""
    if start is not None and shows(start):
        return start
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"the stream never showed the state (last: {start})"
        frame = await stream.next_event(left)
        assert frame.event == "update", f"{frame.event} on an open stream"
        start = frame.data
        if shows(start):
            return start
