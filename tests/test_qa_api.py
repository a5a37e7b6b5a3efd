"""Audience Q&A through HTTP, every backend (`conftest.storage`): on and off per event,
asking, the approve-first queue and the filters, upvotes one per participant (50 at once
count once), the host's moderation and who sees what.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.conftest import voter
from tests.events_http import NOBODY, as_host, create_event, event_url


async def qa_event(client: httpx.AsyncClient, mode: str = "open", **changes: Any) -> Any:
    created = await create_event(client)
    await as_host(client, "PATCH", created, json={"qa": mode, **changes})
    return created


async def ask(
    client: httpx.AsyncClient, created: Any, n: int, text: str, status: int = 201, **more: Any
) -> Any:
    response = await client.post(
        event_url(created, "qa"), json={"text": text, **more}, headers=voter(n)
    )
    assert response.status_code == status, response.text
    return response.json()


async def upvote(
    client: httpx.AsyncClient, created: Any, entry: str, n: int, method: str = "POST"
) -> httpx.Response:
    return await client.request(method, event_url(created, "qa", entry, "upvote"), headers=voter(n))


async def listed(client: httpx.AsyncClient, created: Any, n: int | None = None) -> Any:
    headers = voter(n) if n is not None else NOBODY
    response = await client.get(event_url(created, "qa"), headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def ids(view: Any) -> list[str]:
    return [entry["entryId"] for entry in view["entries"]]


async def test_qa_is_off_until_the_host_turns_it_on(client: httpx.AsyncClient) -> None:
    created = await create_event(client)
    refused = await ask(client, created, 1, "Where are the slides?", status=409)
    assert refused["code"] == "invalid_state"
    read = await client.get(event_url(created))
    assert "qa" not in read.json()
    await as_host(client, "PATCH", created, json={"qa": "open"})
    assert (await client.get(event_url(created))).json()["qa"] == "open"
    entry = await ask(client, created, 1, "  Where are the slides?  ")
    assert entry["entryId"] == "a1" and entry["status"] == "approved"
    assert entry["text"] == "Where are the slides?" and entry["upvotes"] == 0
    assert entry["mine"] is True and "nickname" not in entry  # anonymous by default
    bad = await as_host(client, "PATCH", created, json={"qa": "sometimes"}, status=400)
    assert bad["code"] == "validation_error" and bad["details"][0]["field"] == "qa"


async def test_a_question_is_one_line_of_at_most_280_characters(
    client: httpx.AsyncClient,
) -> None:
    created = await qa_event(client)
    refused = ({"text": ""}, {"text": "   "}, {"text": "x" * 281}, {"text": "a\nb"}, {},
               {"text": 5}, {"text": "ok", "extra": 1}, {"text": "ok", "nickname": 1})  # fmt: skip
    for body in refused:
        response = await client.post(event_url(created, "qa"), json=body, headers=voter(1))
        assert response.status_code == 400, body
        assert response.json()["code"] == "validation_error"
    for raw in (b"[1]", b"nope"):
        response = await client.post(
            event_url(created, "qa"),
            content=raw,
            headers={**voter(1), "content-type": "application/json"},
        )
        assert 400 <= response.status_code < 500
    assert (await ask(client, created, 1, "x" * 280))["text"] == "x" * 280


async def test_a_nickname_shows_only_when_its_author_asks_so(client: httpx.AsyncClient) -> None:
    created = await qa_event(client)
    refused = await ask(client, created, 1, "Is lunch included?", status=400, nickname=True)
    assert refused["details"][0]["field"] == "nickname"  # no nickname to show yet
    named = await client.put(event_url(created, "me"), json={"nickname": "Aki"}, headers=voter(1))
    assert named.status_code == 200
    shown = await ask(client, created, 1, "Is lunch included?", nickname=True)
    hidden = await ask(client, created, 1, "Who pays for it?")
    assert shown["nickname"] == "Aki" and "nickname" not in hidden


async def test_moderated_questions_wait_for_the_host(client: httpx.AsyncClient) -> None:
    created = await qa_event(client, "moderated")
    mine = await ask(client, created, 1, "Can we get the recording?")
    assert mine["status"] == "pending"
    assert ids(await listed(client, created)) == []  # nobody else sees it
    own = await listed(client, created, 1)
    assert ids(own) == ["a1"] and own["entries"][0]["mine"] is True
    assert ids(await listed(client, created, 2)) == []
    everything = await as_host(client, "GET", created, "qa")
    assert [e["status"] for e in everything["entries"]] == ["pending"]
    refused = await upvote(client, created, "a1", 2)
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_state"
    approved = await as_host(client, "POST", created, "qa", "a1", "approve")
    assert approved["status"] == "approved"
    assert ids(await listed(client, created, 2)) == ["a1"]
    assert (await upvote(client, created, "a1", 2)).status_code == 201


async def test_the_events_filters_hold_a_question_for_the_host(
    client: httpx.AsyncClient,
) -> None:
    created = await qa_event(client, bannedWords=["spoiler"])
    held = await ask(client, created, 1, "Any SPOILER for the finale?")
    fine = await ask(client, created, 2, "When is the break?")
    assert held["status"] == "pending" and fine["status"] == "approved"
    assert ids(await listed(client, created, 3)) == ["a2"]
    host_view = await as_host(client, "GET", created, "qa")
    assert host_view["entries"][0]["filtered"] is True
    assert "filtered" not in (await listed(client, created, 1))["entries"][0]


async def test_one_upvote_per_participant_and_it_can_be_taken_back(
    client: httpx.AsyncClient,
) -> None:
    created = await qa_event(client)
    await ask(client, created, 1, "Will there be pizza?")
    first = await upvote(client, created, "a1", 2)
    assert first.status_code == 201
    assert first.json() == {"entryId": "a1", "upvotes": 1, "upvoted": True}
    again = await upvote(client, created, "a1", 2)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert (await upvote(client, created, "a1", 3)).json()["upvotes"] == 2
    taken = await upvote(client, created, "a1", 2, "DELETE")
    assert taken.status_code == 200 and taken.json()["upvotes"] == 1
    twice = await upvote(client, created, "a1", 2, "DELETE")  # nothing to take: still 200
    assert twice.status_code == 200 and twice.json()["upvotes"] == 1
    assert (await upvote(client, created, "a1", 2)).status_code == 201
    seen = await listed(client, created, 2)
    assert seen["entries"][0]["upvotes"] == 2 and seen["entries"][0]["upvoted"] is True
    assert "upvoted" not in (await listed(client, created, 4))["entries"][0]


async def test_fifty_parallel_upvotes_of_one_participant_count_once(
    client: httpx.AsyncClient,
) -> None:
    created = await qa_event(client)
    await ask(client, created, 1, "Is the code on GitHub?")
    same = await asyncio.gather(*(upvote(client, created, "a1", 7) for _ in range(50)))
    assert sorted(r.status_code for r in same) == [201] + [409] * 49
    many = await asyncio.gather(*(upvote(client, created, "a1", 100 + n) for n in range(50)))
    assert {r.status_code for r in many} == {201}
    assert (await listed(client, created))["entries"][0]["upvotes"] == 51


async def test_the_hosts_moderation(client: httpx.AsyncClient) -> None:
    created = await qa_event(client)
    for n, text in enumerate(("First?", "Second?", "Third?"), start=1):
        await ask(client, created, n, text)
    pinned = await as_host(client, "POST", created, "qa", "a2", "pin")
    assert pinned["status"] == "approved"
    assert (await listed(client, created))["pinned"] == "a2"
    await as_host(client, "POST", created, "qa", "a3", "pin")  # in the other's place
    assert (await listed(client, created))["pinned"] == "a3"
    done = await as_host(client, "POST", created, "qa", "a3", "answered")
    assert done["status"] == "answered" and "answeredAt" in done
    view = await listed(client, created)
    assert view["pinned"] is None and ids(view) == ["a1", "a2", "a3"]
    await as_host(client, "POST", created, "qa", "a1", "pin")
    await as_host(client, "POST", created, "qa", "a1", "hide")
    view = await listed(client, created, 1)  # its own author no longer sees it either
    assert view["pinned"] is None and ids(view) == ["a2", "a3"]
    assert (await upvote(client, created, "a1", 5)).status_code == 409
    await as_host(client, "POST", created, "qa", "a2", "pin")
    await as_host(client, "POST", created, "qa", "a2", "unpin")
    assert (await listed(client, created))["pinned"] is None
    restored = await as_host(client, "POST", created, "qa", "a1", "approve")
    assert restored["status"] == "approved"


async def test_moderation_is_the_hosts_alone(client: httpx.AsyncClient) -> None:
    created = await qa_event(client)
    await ask(client, created, 1, "Question?")
    url = event_url(created, "qa", "a1", "hide")
    assert (await client.post(url, headers=NOBODY)).status_code == 401
    wrong = {"authorization": "Bearer " + "x" * 43, **NOBODY}
    assert (await client.post(url, headers=wrong)).status_code in (401, 403)
    for path in (("qa", "a9", "hide"), ("qa", "zz", "pin"), ("qa", "a0", "approve")):
        missing = await as_host(client, "POST", created, *path, status=404)
        assert missing["code"] == "not_found"
    assert (await client.get(event_url(created, "qa", "a1"))).status_code == 404
    assert (await client.post(event_url(created, "qa", "a1", "nope"))).status_code == 404
    wrong_method = await client.get(event_url(created, "qa", "a1", "upvote"))
    assert wrong_method.status_code == 405
    assert (await upvote(client, created, "a9", 2)).status_code == 404


async def test_an_ended_event_takes_no_more_questions(client: httpx.AsyncClient) -> None:
    created = await qa_event(client)
    await ask(client, created, 1, "Before the end?")
    await as_host(client, "POST", created, "end")
    assert (await ask(client, created, 2, "After?", status=409))["code"] == "event_ended"
    assert (await upvote(client, created, "a1", 2)).json()["code"] == "event_ended"
    assert ids(await listed(client, created)) == ["a1"]  # still there to read


async def test_another_site_can_neither_ask_nor_upvote(client: httpx.AsyncClient) -> None:
    created = await qa_event(client)
    await ask(client, created, 1, "Question?")
    away = {**voter(2), "origin": "https://elsewhere.example"}
    for method, rest in (("POST", ("qa",)), ("POST", ("qa", "a1", "upvote")),
                         ("DELETE", ("qa", "a1", "upvote"))):  # fmt: skip
        response = await client.request(
            method, event_url(created, *rest), json={"text": "x"}, headers=away
        )
        assert response.status_code == 403, (method, rest)
        assert response.json()["code"] == "cross_origin"
    assert (await listed(client, created))["entries"][0]["upvotes"] == 0
