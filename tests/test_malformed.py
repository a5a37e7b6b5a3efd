"""A table of malformed requests: each gets its documented 4xx in the JSON error shape."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.conftest import create_session, host, voter
from tests.malformed_cases import CASES, JSON, SID


@pytest.fixture
async def session_id(client: httpx.AsyncClient) -> AsyncIterator[str]:
    created = await create_session(client)
    client.cookies.clear()
    yield created["sessionId"]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "code"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
async def test_malformed_request(
    client: httpx.AsyncClient,
    session_id: str,
    method: str,
    path: str,
    body: Any,
    headers: dict[str, Any],
    status: int,
    code: str,
) -> None:
    kwargs: dict[str, Any] = {"headers": {**voter(1), **headers}}
    if isinstance(body, bytes):
        kwargs["content"] = body
    elif body is not None or method == "POST":
        kwargs["json"] = body
    response = await client.request(method, path.replace(SID, session_id), **kwargs)
    assert response.status_code == status, response.text
    error = response.json()
    assert error["code"] == code
    assert isinstance(error["error"], str) and error["error"]
    assert set(error) <= {"error", "code", "details"}
    if status == 405:
        assert response.headers["allow"]


async def test_chunked_body_over_the_limit_is_cut_off(
    client: httpx.AsyncClient, session_id: str
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"choiceIds": ["1"], "pad": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    headers = {**voter(1), **JSON}
    response = await client.post(f"/api/vote/{session_id}", content=chunks(), headers=headers)
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


async def test_a_malformed_voter_cookie_is_replaced(
    client: httpx.AsyncClient, session_id: str
) -> None:
    for bad in ("<script>", "short", "a" * 500, "tok;en"):
        response = await client.post(
            f"/api/vote/{session_id}",
            json={"choiceIds": ["1"]},
            headers={"cookie": f"tohyo_voter={bad}"},
        )
        assert response.status_code == 201
        assert bad not in response.headers["set-cookie"]


async def test_settings_of_a_closed_session(client: httpx.AsyncClient) -> None:
    """Any deadline for a closed session is 403 closed, even with a change it could make
    and even the deadline it has; who sees the counts may still change."""
    created = await create_session(client, durationSeconds=600)
    url, auth = f"/api/vote/{created['sessionId']}", host(created)
    assert (await client.post(f"{url}/close", headers=auth)).status_code == 200
    for body in (
        {"durationSeconds": 60},
        {"closesAt": created["closesAt"]},
        {"resultsVisibility": "always", "durationSeconds": 60},
    ):
        response = await client.post(f"{url}/settings", json=body, headers=auth)
        assert response.status_code == 403, (body, response.text)
        assert response.json()["code"] == "closed"
    response = await client.post(
        f"{url}/settings", json={"resultsVisibility": "always", "colour": "red"}, headers=auth
    )
    assert response.status_code == 200 and response.json()["resultsVisibility"] == "always"
    invalid = await client.post(f"{url}/settings", json={"durationSeconds": None}, headers=auth)
    assert invalid.status_code == 400 and invalid.json()["code"] == "validation_error"
