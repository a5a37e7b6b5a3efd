"""A word cloud through HTTP, on every backend: created, opened, answered by three phones,
read back grouped; one answer per participant without allowChange; bad answers are 400."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import voter
from tests.events_http import as_host, create_event, event_url, open_question, question

CLOUD = {"type": "wordcloud", "prompt": "One word for today?", "maxEntries": 2}


async def send(
    client: httpx.AsyncClient, created: dict[str, Any], entries: Any, phone: int
) -> httpx.Response:
    return await client.post(
        event_url(created, "questions", "q1", "responses"),
        json={"entries": entries},
        headers=voter(phone),
    )


async def test_a_word_cloud_from_creation_to_grouped_results(client: httpx.AsyncClient) -> None:
    created = await create_event(client, questions=[CLOUD])
    draft = question(await as_host(client, "GET", created), "q1")
    assert draft["type"] == "wordcloud" and draft["maxEntries"] == 2
    await open_question(client, created, "q1")

    hostile = '<script>alert("x")</script>'
    for phone, entries in enumerate(
        [["Kyoto", "ramen"], ["ＫＹＯＴＯ ", "東京タワー"], ["kyoto", hostile]], start=1
    ):
        sent = await send(client, created, entries, phone)
        assert sent.status_code == 201, sent.text

    results = question(await as_host(client, "GET", created), "q1")["results"]
    assert results["totalVotes"] == 3
    assert (results["entryCount"], results["distinct"]) == (6, 4)
    assert results["entries"][0] == {"key": "kyoto", "text": "Kyoto", "count": 3}
    assert {(e["text"], e["count"]) for e in results["entries"][1:]} == {
        ("ramen", 1),
        ("東京タワー", 1),
        (hostile, 1),
    }
    cloud = {w["key"]: w for w in results["cloud"]}
    assert set(cloud) == {"kyoto", "ramen", "東京タワー", hostile}
    assert cloud["kyoto"]["size"] > cloud["ramen"]["size"]

    # A phone that answered sees the same results (the default visibility), cloud and all.
    phone = await client.get(event_url(created), headers=voter(1))
    assert question(phone.json(), "q1")["results"] == results

    again = await send(client, created, ["sushi"], 1)
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert question(await as_host(client, "GET", created), "q1")["results"] == results


async def test_bad_word_cloud_specs_and_answers_are_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/events", json={"title": "T", "questions": [{**CLOUD, "maxEntries": 11}]}
    )
    assert response.status_code == 400 and response.json()["code"] == "validation_error"
    assert [d["field"] for d in response.json()["details"]] == ["questions[0].maxEntries"]

    created = await create_event(client, questions=[CLOUD])
    await open_question(client, created, "q1")
    for entries, field in ((["a", "b", "c"], None), (["ok", "x" * 41], "entries[1]")):
        refused = await send(client, created, entries, 1)
        assert refused.status_code == 400 and refused.json()["code"] == "invalid_ballot"
        if field is not None:
            assert refused.json()["details"][0]["field"] == field
    assert (await send(client, created, "Kyoto", 1)).status_code == 400
    quiet = question(await as_host(client, "GET", created), "q1")["results"]
    assert quiet["totalVotes"] == 0
