"""Rounds through HTTP, over every backend, in-process: an answer and a reset may name the
round they were made for (`round`); when the question is in another by the time they
apply, 409 round_changed and nothing is recorded — a phone's answer to a question the host
has since reset never counts in the new round, and a reset retried (or pressed twice, or
from a second screen) makes one round, not two. Without `round`, as before."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from tests.conftest import host, voter
from tests.events_http import NOBODY, as_host, create_event, event_url, open_question, question
from tests.test_events_api_races import hold_reads
from tohyo.web.app import TohyoApp

BAD_ROUNDS = ("1", 0, -1, 1.5, True, None, [1], {"n": 1})


async def reply(
    client: httpx.AsyncClient, created: dict[str, Any], action: str, body: Any, **headers: str
) -> httpx.Response:
    return await client.post(
        event_url(created, "questions", "q1", action), json=body, headers=headers or None
    )


async def reset(client: httpx.AsyncClient, created: dict[str, Any], body: Any) -> httpx.Response:
    return await reply(client, created, "reset", body, **host(created), **NOBODY)


async def answer(
    client: httpx.AsyncClient, created: dict[str, Any], who: int, body: Any
) -> httpx.Response:
    return await reply(client, created, "responses", body, **voter(who))


async def q1_as_host(client: httpx.AsyncClient, created: dict[str, Any]) -> dict[str, Any]:
    return question(await as_host(client, "GET", created), "q1")


def round_changed(response: httpx.Response, now: int) -> None:
    assert response.status_code == 409, response.text
    assert response.json() == {
        "error": "The question has moved on to another round",
        "code": "round_changed",
        "details": {"round": now},
    }


async def test_an_answer_meant_for_a_round_since_reset_is_409_and_not_counted(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client)
    await open_question(client, created, "q1")
    first = await answer(client, created, 1, {"choiceIds": ["1"], "round": 1})
    assert first.status_code == 201 and first.json()["round"] == 1, first.text
    assert (await reset(client, created, {"round": 1})).status_code == 200

    # A phone still showing round 1 answers it: refused, and round 2 counts nothing.
    for who in (1, 2):
        round_changed(await answer(client, created, who, {"choiceIds": ["2"], "round": 1}), 2)
    q1 = await q1_as_host(client, created)
    assert q1["round"] == 2 and q1["results"]["totalVotes"] == 0
    seen = (await client.get(event_url(created), headers=voter(2))).json()
    assert question(seen, "q1")["answered"] is False
    export = await as_host(client, "GET", created, "export")
    rounds = question(export, "q1")["rounds"]
    assert [(r["round"], len(r["answers"])) for r in rounds] == [(1, 1), (2, 0)]

    # Shown round 2, the same phones answer it; without a round, the current one takes it.
    for who, body in ((1, {"choiceIds": ["2"], "round": 2}), (2, {"choiceIds": ["3"]})):
        taken = await answer(client, created, who, body)
        assert taken.status_code == 201 and taken.json()["round"] == 2, taken.text
    assert (await q1_as_host(client, created))["results"]["totalVotes"] == 2
    # Once per round still holds, and a round yet to come is no round.
    again = await answer(client, created, 1, {"choiceIds": ["1"], "round": 2})
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    round_changed(await answer(client, created, 3, {"choiceIds": ["1"], "round": 3}), 2)


async def test_a_reset_retried_with_the_round_it_saw_makes_one_round(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client)
    await open_question(client, created, "q1")
    made = await reset(client, created, {"round": 1, "durationSeconds": 60})
    assert made.status_code == 200 and made.json()["round"] == 2, made.text
    assert "closesAt" in made.json()
    # The retry (its reply was lost, or R pressed twice): refused, the round stays.
    round_changed(await reset(client, created, {"round": 1}), 2)
    round_changed(await reset(client, created, {"round": 1, "durationSeconds": 30}), 2)
    q1 = await q1_as_host(client, created)
    assert q1["round"] == 2 and q1["status"] == "open"
    assert [
        r["round"]
        for r in question(await as_host(client, "GET", created, "export"), "q1")["rounds"]
    ] == [1, 2]
    # Without a round a reset is made as before; with the current one, too.
    assert (await reset(client, created, None)).json()["round"] == 3
    assert (await reset(client, created, {})).json()["round"] == 4
    assert (await reset(client, created, {"round": 4})).json()["round"] == 5
    # A draft cannot be reset, whatever round is named.
    draft = await client.post(
        event_url(created, "questions", "q2", "reset"),
        json={"round": 7},
        headers={**host(created), **NOBODY},
    )
    assert draft.status_code == 409 and draft.json()["code"] == "invalid_state"


async def test_two_resets_of_the_same_round_at_once_make_one_round(
    app: TohyoApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both read the question in round 1 before either applies (held until both have):
    the check is where the reset is decided, not on that read."""
    created = await create_event(client)
    await open_question(client, created, "q1")
    arm = hold_reads(app, monkeypatch)
    for seen in range(1, 11):
        arm(2)
        both: list[httpx.Response] = await asyncio.gather(
            reset(client, created, {"round": seen}), reset(client, created, {"round": seen})
        )
        assert sorted(r.status_code for r in both) == [200, 409], [r.text for r in both]
        (refused,) = [r for r in both if r.status_code == 409]
        round_changed(refused, seen + 1)
        assert (await q1_as_host(client, created))["round"] == seen + 1


async def test_a_malformed_round_is_400_before_anything_else(client: httpx.AsyncClient) -> None:
    created = await create_event(client)
    await open_question(client, created, "q1")
    for bad in BAD_ROUNDS:
        refused = await answer(client, created, 1, {"choiceIds": ["1"], "round": bad})
        assert refused.status_code == 400, (bad, refused.text)
        assert refused.json()["code"] == "validation_error"
        assert [d["field"] for d in refused.json()["details"]] == ["round"], bad
        # The body is checked first (before the host, as every host's change is).
        unauthenticated = await reply(client, created, "reset", {"round": bad}, **NOBODY)
        assert unauthenticated.status_code == 400, (bad, unauthenticated.text)
        assert [d["field"] for d in unauthenticated.json()["details"]] == ["round"]
    both = await reset(client, created, {"round": 0, "durationSeconds": "soon"})
    assert both.status_code == 400
    assert sorted(d["field"] for d in both.json()["details"]) == ["durationSeconds", "round"]
    # Nothing was answered or reset on the way.
    q1 = await q1_as_host(client, created)
    assert (q1["round"], q1["results"]["totalVotes"]) == (1, 0)
    # JSON has numbers, not integers: 1.0 is round 1.
    taken = await answer(client, created, 1, {"choiceIds": ["1"], "round": 1.0})
    assert taken.status_code == 201 and taken.json()["round"] == 1, taken.text
