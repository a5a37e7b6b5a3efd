"""Open text through HTTP, on every backend: created, opened, answered by phones (line
breaks, hostile text, Japanese), read back newest first; one answer per participant;
bad answers and banned words 400 invalid_ballot in the documented shape, counting nothing;
approve first: the room sees only approved cards, the host every one flagged."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import voter
from tests.events_http import as_host, create_event, event_url, open_question, question

CARDS = {"type": "text", "prompt": "Your questions?", "resultsVisibility": "always"}


async def send(
    client: httpx.AsyncClient, created: dict[str, Any], text: Any, phone: int, qid: str = "q1"
) -> httpx.Response:
    return await client.post(
        event_url(created, "questions", qid, "responses"), json={"text": text}, headers=voter(phone)
    )


async def cards_seen(
    client: httpx.AsyncClient, created: dict[str, Any], phone: int | None = None, qid: str = "q1"
) -> dict[str, Any]:
    if phone is None:
        view = await as_host(client, "GET", created)
    else:
        view = (await client.get(event_url(created), headers=voter(phone))).json()
    return dict(question(view, qid)["results"])


async def test_open_text_from_creation_to_a_wall_of_cards(client: httpx.AsyncClient) -> None:
    created = await create_event(client, questions=[CARDS])
    draft = question(await as_host(client, "GET", created), "q1")
    assert (draft["type"], draft["moderation"]) == ("text", "none")
    await open_question(client, created, "q1")

    hostile = '<script>alert("x")</script> & =cmd'
    sent = ["First line\r\nsecond line", hostile, "東京タワーに行きたい"]
    for phone, text in enumerate(sent, start=1):
        response = await send(client, created, text, phone)
        assert response.status_code == 201, response.text

    results = await cards_seen(client, created)
    assert (results["totalVotes"], results["shown"], results["pending"]) == (3, 3, 0)
    # Newest first: by the time in the key, then the key (answers a millisecond apart).
    assert sorted(c["text"] for c in results["cards"]) == sorted(
        [hostile, "First line\nsecond line", "東京タワーに行きたい"]
    )
    keys = [(int(c["key"].split(".")[0]), c["key"]) for c in results["cards"]]
    assert keys == sorted(keys, reverse=True)
    assert all(set(c) == {"key", "text", "at"} for c in results["cards"])
    phone_view = await cards_seen(client, created, phone=1)
    assert phone_view == {k: v for k, v in results.items() if k != "pending"}

    again = await send(client, created, "Another thought", 1)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert await cards_seen(client, created) == results


async def test_bad_answers_are_400_and_count_nothing(client: httpx.AsyncClient) -> None:
    created = await create_event(client, questions=[CARDS])
    await open_question(client, created, "q1")
    await as_host(client, "PATCH", created, json={"bannedWords": ["spoiler"]})
    for text, message in (
        ("x" * 501, "must be 1-500 characters"),
        ("   \n  ", "must be 1-500 characters"),
        ("tab\there", "a tab"),
        ("bell\x07", "a control character"),
        ("The SPOILER is", "is not allowed in this event"),
        (42, "must be a string"),
    ):
        refused = await send(client, created, text, 1)
        assert refused.status_code == 400, text
        body = refused.json()
        assert body["code"] == "invalid_ballot" and body["error"]
        (detail,) = body["details"]
        assert detail["field"] == "text" and message in detail["message"], (text, detail)
    assert (await send(client, created, "x" * 500, 1)).status_code == 201
    results = await cards_seen(client, created)
    assert results["totalVotes"] == 1 and [c["text"] for c in results["cards"]] == ["x" * 500]


async def test_approve_first_shows_the_room_only_approved_cards(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[{**CARDS, "moderation": "approve"}])
    await open_question(client, created, "q1")
    for phone in (1, 2):
        assert (await send(client, created, f"card {phone}", phone)).status_code == 201
    host = await cards_seen(client, created)
    assert (host["shown"], host["pending"]) == (0, 2)
    assert [c.get("pending") for c in host["cards"]] == [True, True]
    assert (await cards_seen(client, created, phone=1))["cards"] == []

    # Two cards of the same millisecond are in key order, so find card 1 by its text.
    first = next(c["key"] for c in host["cards"] if c["text"] == "card 1")
    reply = await as_host(
        client,
        "POST",
        created,
        "questions",
        "q1",
        "moderation",
        json={"key": first, "action": "approve"},
    )
    assert reply["questionId"] == "q1"
    assert {c["text"]: c.get("pending", False) for c in reply["results"]["cards"]} == {
        "card 2": True,
        "card 1": False,
    }
    public = await cards_seen(client, created, phone=2)
    assert [c["text"] for c in public["cards"]] == ["card 1"] and public["shown"] == 1
