"""Moderation through HTTP, on every backend: hiding and restoring a word cloud's key, the
event's banned words and profanity filter through PATCH (the host's view shows them, a
phone's does not), entries counted before a word was banned leaving results, moderation
after the end; the host alone (401, 403), and every refusal in the documented shape (400
with details, 404, 409). Over real servers (memory, SQLite): a moderation action reaches
the open streams of the host and of a phone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests import event_streams
from tests.conftest import voter
from tests.event_streams import host_event, open_event_stream, phone, shown, without_counters
from tests.events_http import NOBODY, as_host, create_event, event_url, open_question, question
from tests.sse import open_snapshot
from tohyo.domain import profanity

CLOUD = {"type": "wordcloud", "prompt": "One word?", "resultsVisibility": "always"}
CARDS = {"type": "text", "prompt": "Questions?", "resultsVisibility": "always"}
CHOICE = {"type": "single", "prompt": "Lunch?", "choices": [{"text": "A"}, {"text": "B"}]}


async def words(
    client: httpx.AsyncClient, created: dict[str, Any], entries: list[str], who: int
) -> None:
    response = await client.post(
        event_url(created, "questions", "q1", "responses"),
        json={"entries": entries},
        headers=voter(who),
    )
    assert response.status_code == 201, response.text


async def moderate(
    client: httpx.AsyncClient,
    created: dict[str, Any],
    key: str,
    action: str,
    qid: str = "q1",
    status: int = 200,
) -> Any:
    return await as_host(
        client,
        "POST",
        created,
        "questions",
        qid,
        "moderation",
        json={"key": key, "action": action},
        status=status,
    )


async def results(
    client: httpx.AsyncClient, created: dict[str, Any], who: int | None = None
) -> dict[str, Any]:
    if who is None:
        view = await as_host(client, "GET", created)
    else:
        view = (await client.get(event_url(created), headers=voter(who))).json()
    return dict(question(view, "q1")["results"])


def keys(cloud_results: dict[str, Any]) -> list[str]:
    return [w["key"] for w in cloud_results["cloud"]]


async def test_a_hidden_key_leaves_every_viewers_cloud_and_comes_back(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[CLOUD])
    await open_question(client, created, "q1")
    await words(client, created, ["Kyoto", "Osaka"], 1)
    await words(client, created, ["kyoto"], 2)
    before = await as_host(client, "GET", created)

    reply = await moderate(client, created, "kyoto", "hide")
    assert reply["questionId"] == "q1"
    assert keys(reply["results"]) == ["osaka"]
    assert {"key": "kyoto", "text": "Kyoto", "count": 2, "hidden": True} in reply["results"][
        "entries"
    ]
    assert [e["key"] for e in (await results(client, created, who=3))["entries"]] == ["osaka"]
    after = await as_host(client, "GET", created)
    assert (after["revision"], after["version"]) == (before["revision"] + 1, before["version"] + 1)

    # Hiding it again changes nothing: the same event, the same revision.
    await moderate(client, created, "KYOTO", "hide")
    assert (await as_host(client, "GET", created))["revision"] == after["revision"]

    restored = await moderate(client, created, "kyoto", "restore")
    assert restored["results"] == question(before, "q1")["results"]


async def test_filters_are_set_by_patch_and_take_counted_entries_out(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[CLOUD])
    await open_question(client, created, "q1")
    await words(client, created, ["Kyoto", "spoiler"], 1)
    await words(client, created, ["ネタバレ注意"], 2)
    hosted = await as_host(client, "GET", created)
    assert (hosted["bannedWords"], hosted["profanityFilter"]) == ([], False)

    body = {"bannedWords": [" Spoiler ", "SPOILER", "ネタバレ"], "profanityFilter": True}
    patched = await as_host(client, "PATCH", created, json=body)
    assert (patched["bannedWords"], patched["profanityFilter"]) == (["spoiler", "ネタバレ"], True)
    assert patched["revision"] == hosted["revision"] + 1  # one change for both fields
    assert keys(question(patched, "q1")["results"]) == ["kyoto"]
    public = await client.get(event_url(created), headers=voter(9))
    assert "bannedWords" not in public.json() and "profanityFilter" not in public.json()
    assert keys(await results(client, created, who=9)) == ["kyoto"]

    refused = await client.post(
        event_url(created, "questions", "q1", "responses"),
        json={"entries": ["fine", "you ass"]},
        headers=voter(3),
    )
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_ballot"
    assert refused.json()["details"][0]["field"] == "entries[1]"
    await words(client, created, ["class", "Scunthorpe"], 4)  # whole words only

    cleared = await as_host(client, "PATCH", created, json={"bannedWords": []})
    assert set(keys(question(cleared, "q1")["results"])) == {
        "kyoto",
        "spoiler",
        "ネタバレ注意",
        "class",
        "scunthorpe",
    }


async def test_moderation_and_filters_work_after_the_event_ended(
    client: httpx.AsyncClient,
) -> None:
    created = await create_event(client, questions=[CLOUD])
    await open_question(client, created, "q1")
    await words(client, created, ["Kyoto", "Osaka"], 1)
    await as_host(client, "POST", created, "end")
    assert keys((await moderate(client, created, "osaka", "hide"))["results"]) == ["kyoto"]
    ended = await as_host(client, "PATCH", created, json={"bannedWords": ["kyoto"]})
    assert question(ended, "q1")["results"]["cloud"] == []
    refused = await as_host(
        client, "PATCH", created, json={"title": "Late", "bannedWords": []}, status=409
    )
    assert refused["code"] == "event_ended"
    assert (await as_host(client, "GET", created))["bannedWords"] == ["kyoto"]  # untouched


async def test_only_the_host_moderates(client: httpx.AsyncClient) -> None:
    created = await create_event(client, questions=[CLOUD])
    await open_question(client, created, "q1")
    url = event_url(created, "questions", "q1", "moderation")
    body = {"key": "kyoto", "action": "hide"}
    anonymous = await client.post(url, json=body, headers={**voter(1)})
    assert anonymous.status_code == 401 and anonymous.json()["code"]
    wrong = {"authorization": "Bearer " + "x" * 43, **NOBODY}
    forged = await client.post(url, json=body, headers=wrong)
    assert forged.status_code == 403 and forged.json()["code"]
    patch = await client.patch(event_url(created), json={"bannedWords": ["a"]}, headers=voter(1))
    assert patch.status_code == 401
    assert (await as_host(client, "GET", created))["questions"][0].get("results", {}).get(
        "entries", []
    ) == []
    assert (await as_host(client, "GET", created))["bannedWords"] == []


async def test_refusals_are_in_the_documented_shape(client: httpx.AsyncClient) -> None:
    created = await create_event(client, questions=[CLOUD, CHOICE, CARDS, CARDS])
    for qid in ("q1", "q2", "q3"):
        await open_question(client, created, qid)

    bad = await moderate(client, created, "", "delete", status=400)
    assert bad["code"] == "validation_error"
    assert [d["field"] for d in bad["details"]] == ["key", "action"]
    not_a_card = await moderate(client, created, "kyoto", "hide", qid="q3", status=409)
    assert (not_a_card["code"], not_a_card["details"]) == ("invalid_state", {"key": "kyoto"})
    for qid, action, status, code in (
        ("q9", "hide", 404, "not_found"),
        ("q2", "hide", 409, "invalid_state"),  # a choice question
        ("q4", "hide", 409, "invalid_state"),  # a draft
        ("q1", "approve", 409, "invalid_state"),  # nothing waits for approval in a cloud
        ("q3", "approve", 409, "invalid_state"),  # nor in open text without approve first
    ):
        key = "1.ab" if qid in ("q3", "q4") else "kyoto"
        refused = await moderate(client, created, key, action, qid=qid, status=status)
        assert refused["code"] == code and refused["error"], (qid, action)

    patch = await as_host(
        client, "PATCH", created, json={"bannedWords": ["ok", "x" * 41], "profanityFilter": 1},
        status=400,
    )  # fmt: skip
    assert [d["field"] for d in patch["details"]] == ["bannedWords[1]", "profanityFilter"]
    gone = await client.post(
        "/api/events/00000000-0000-4000-8000-000000000000/questions/q1/moderation",
        json={"key": "k", "action": "hide"},
    )
    assert gone.status_code == 404


async def test_turning_on_a_profanity_filter_that_cannot_load_is_a_clear_409(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> None:
        raise ImportError("the glin-profanity package is not installed")

    created = await create_event(client, questions=[CLOUD])
    monkeypatch.setattr(profanity, "_pattern", missing)
    refused = await as_host(client, "PATCH", created, json={"profanityFilter": True}, status=409)
    assert refused["code"] == "invalid_state"
    assert "glin-profanity" in refused["error"]
    assert (await as_host(client, "GET", created))["profanityFilter"] is False
    # Turning it off, or the banned words, need no word list.
    await as_host(client, "PATCH", created, json={"profanityFilter": False, "bannedWords": ["x"]})


# --- live on every stream -------------------------------------------------------------------

start, http = event_streams.start, event_streams.http


@pytest.mark.slow
async def test_a_moderation_action_reaches_the_open_streams(http: httpx.AsyncClient) -> None:
    ev = await host_event(http, CLOUD)
    await ev.open("q1")
    await ev.present("q1")
    url = f"/api/events/{ev.event_id}/questions/q1/responses"
    for who, entries in ((1, ["Kyoto", "Osaka"]), (2, ["Kyoto"])):
        sent = await http.post(url, json={"entries": entries}, headers=phone(who))
        assert sent.status_code == 201, sent.text
    async with (
        open_event_stream(http, ev.event_id, ev.host) as console,
        open_event_stream(http, ev.event_id, phone(3)) as room,
    ):
        await open_snapshot(console)
        first = without_counters(await open_snapshot(room))
        assert keys(shown(first)["q1"]["results"]) == ["kyoto", "osaka"]

        await ev.post("/questions/q1/moderation", {"key": "kyoto", "action": "hide"})
        hidden = without_counters(await room.next_event())
        assert keys(shown(hidden)["q1"]["results"]) == ["osaka"]
        on_console = await console.next_event()
        entries = shown(on_console)["q1"]["results"]["entries"]
        assert {e["key"]: e.get("hidden", False) for e in entries} == {
            "kyoto": True,
            "osaka": False,
        }

        patched = await http.patch(
            f"/api/events/{ev.event_id}", json={"bannedWords": ["osaka"]}, headers=ev.host
        )
        assert patched.status_code == 200, patched.text
        banned = without_counters(await room.next_event())
        assert shown(banned)["q1"]["results"]["cloud"] == []
        assert (await console.next_event()).data["bannedWords"] == ["osaka"]
