"""Helpers for the event API tests: an event to create, and the host's calls on it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import host, voter

LUNCH = {
    "type": "single",
    "prompt": "Lunch?",
    "choices": [{"text": "Ramen"}, {"text": "Curry"}, {"text": "Sushi"}],
}
DRINKS = {"type": "multiple", "prompt": "Drinks?", "choices": [{"text": "Tea"}, {"text": "Beer"}]}
EVENT = {"title": "Friday workshop", "questions": [LUNCH, DRINKS]}

# A browser with no cookies at all: `headers=NOBODY` replaces the client's cookie jar.
NOBODY = {"cookie": ""}


async def create_event(client: httpx.AsyncClient, **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/events", json={**EVENT, **changes})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def event_url(created: dict[str, Any], *rest: str) -> str:
    return "/".join(["/api/events", created["eventId"], *rest])


async def as_host(
    client: httpx.AsyncClient,
    method: str,
    created: dict[str, Any],
    *rest: str,
    json: Any = None,
    status: int = 200,
) -> Any:
    """A host's call with the Bearer token; asserts the status, returns the JSON body."""
    response = await client.request(
        method, event_url(created, *rest), json=json, headers={**host(created), **NOBODY}
    )
    assert response.status_code == status, response.text
    return response.json()


async def open_question(client: httpx.AsyncClient, created: dict[str, Any], qid: str) -> Any:
    return await as_host(client, "POST", created, "questions", qid, "open")


async def answer(
    client: httpx.AsyncClient,
    created: dict[str, Any],
    qid: str,
    choices: list[str],
    headers: dict[str, str],
) -> httpx.Response:
    return await client.post(
        event_url(created, "questions", qid, "responses"),
        json={"choiceIds": choices},
        headers=headers,
    )


async def send(
    client: httpx.AsyncClient, created: dict[str, Any], qid: str, body: Any, n: int
) -> str:
    """Phone `n` answers `qid` with `body` (any question type's shape); returns the answer's
    `answeredAt`, as the export lists it."""
    url = event_url(created, "questions", qid, "responses")
    response = await client.post(url, json=body, headers=voter(n))
    assert response.status_code == 201, response.text
    at: str = response.json()["answeredAt"]
    return at


def question(view: dict[str, Any], qid: str) -> dict[str, Any]:
    for q in view["questions"]:
        if q["questionId"] == qid:
            return dict(q)
    raise AssertionError(f"{qid} not in {[q['questionId'] for q in view['questions']]}")
