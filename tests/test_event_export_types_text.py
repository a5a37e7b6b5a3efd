"""Open text and moderation in the exports, over every backend, moderated through the API
(`POST …/questions/{qid}/moderation`, `PATCH` bannedWords): each card with its key, time,
hidden and approved flags in the JSON exactly and in the CSV neutralised; a changed card
listed once, as it ended up (a new key, so awaiting approval again); a word cloud's key
hidden, then restored; a word banned after it was sent flagged as filtered and counted
nowhere; the picture of the wall showing only what everyone may see."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from tests.conftest import host, voter
from tests.events_http import NOBODY, as_host, create_event, event_url, question, send

CARDS = {"type": "text", "prompt": "Questions?", "moderation": "approve", "allowChange": True}
CLOUD = {"type": "wordcloud", "prompt": "One word", "maxEntries": 2}
FORMULA = '=HYPERLINK("http://x","click")'
SCRIPT = '<script>alert("x")</script>'
LINES = '一行目\n二行目 🎉 "quoted" & more'


async def moderate(
    client: httpx.AsyncClient, created: dict[str, Any], qid: str, key: str, action: str
) -> Any:
    return await as_host(
        client, "POST", created, "questions", qid, "moderation", json={"key": key, "action": action}
    )


def newest_first(*cards: dict[str, Any]) -> list[dict[str, Any]]:
    """As results list cards: newest first, those of one millisecond by key."""
    return sorted(cards, key=lambda c: (c["at"], c["key"]), reverse=True)


def card_keys(view: dict[str, Any]) -> dict[str, str]:
    """A host's question view: each card's text → its key."""
    return {c["text"]: c["key"] for c in view["results"]["cards"]}


async def run_event(client: httpx.AsyncClient) -> dict[str, Any]:
    created = await create_event(client, questions=[CARDS, CLOUD])
    for qid in ("q1", "q2"):
        await as_host(client, "POST", created, "questions", qid, "open")
    at = {
        "formula": await send(client, created, "q1", {"text": "=first try"}, 1),
        "script": await send(client, created, "q1", {"text": SCRIPT}, 2),
        "lines": await send(client, created, "q1", {"text": LINES}, 3),
    }
    view = question(await as_host(client, "GET", created), "q1")
    keys = card_keys(view)
    await moderate(client, created, "q1", keys["=first try"], "approve")
    await moderate(client, created, "q1", keys[LINES], "approve")
    await moderate(client, created, "q1", keys[SCRIPT], "hide")
    at["formula"] = await send(client, created, "q1", {"text": FORMULA}, 1)  # changed
    await send(client, created, "q2", {"entries": ["<b>", "Later banned"]}, 1)
    await send(client, created, "q2", {"entries": ["<B>"]}, 2)
    await moderate(client, created, "q2", "<b>", "hide")
    await moderate(client, created, "q2", "<b>", "restore")
    await moderate(client, created, "q2", "later banned", "hide")
    await as_host(client, "PATCH", created, json={"bannedWords": ["banned"]})
    keys = card_keys(question(await as_host(client, "GET", created), "q1"))
    return {"created": created, "at": at, "keys": keys}


async def test_cards_export_with_their_time_and_moderation(client: httpx.AsyncClient) -> None:
    ran = await run_event(client)
    created, at, keys = ran["created"], ran["at"], ran["keys"]
    assert set(keys) == {FORMULA, SCRIPT, LINES}  # the first try is gone: changed
    exported = await as_host(client, "GET", created, "export")
    cards, cloud = exported["questions"]
    assert cards["moderation"] == "approve" and cards["allowChange"] is True
    (round_,) = cards["rounds"]
    assert round_["results"] == {
        "totalVotes": 3,
        "shown": 1,
        "pending": 1,
        "cards": newest_first(
            {"key": keys[FORMULA], "text": FORMULA, "at": at["formula"], "pending": True},
            {"key": keys[LINES], "text": LINES, "at": at["lines"]},
            {
                "key": keys[SCRIPT],
                "text": SCRIPT,
                "at": at["script"],
                "hidden": True,
                "pending": True,
            },
        ),
    }

    def card(text: str, *, hidden: bool = False, approved: bool = False) -> dict[str, Any]:
        return {
            "answeredAt": at[{FORMULA: "formula", SCRIPT: "script", LINES: "lines"}[text]],
            "answer": text,
            "key": keys[text],
            "text": text,
            "hidden": hidden,
            "filtered": False,
            "approved": approved,
        }

    listed = sorted(
        [card(SCRIPT, hidden=True), card(LINES, approved=True), card(FORMULA)],
        key=lambda a: (a["answeredAt"], repr(a["answer"])),
    )
    assert round_["answers"] == listed  # the changed card once, as it ended up

    (round_,) = cloud["rounds"]
    assert round_["results"]["entries"] == [{"key": "<b>", "text": "<B>", "count": 2}]
    assert [a["entries"] for a in round_["answers"] if len(a["answer"]) == 2] == [
        [
            {"key": "<b>", "text": "<b>", "hidden": False, "filtered": False},
            {"key": "later banned", "text": "Later banned", "hidden": True, "filtered": True},
        ]
    ]
    assert exported["bannedWords"] == ["banned"]


async def test_cards_read_back_from_the_csv_neutralised(client: httpx.AsyncClient) -> None:
    ran = await run_event(client)
    created, at, keys = ran["created"], ran["at"], ran["keys"]
    response = await client.get(
        event_url(created, "questions", "q1", "export") + "?format=csv&lang=ja",
        headers={**host(created), **NOBODY},
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][8:10] == ["選択肢ID", "選択肢"] and rows[0][-3:] == [
        "回答日時",
        "非表示",
        "承認済み",
    ]
    cards = [(r[8], r[9], r[17], r[18], r[19]) for r in rows[1:]]
    expected = [
        (keys[FORMULA], "'" + FORMULA, at["formula"], "false", "false"),
        (keys[LINES], LINES, at["lines"], "false", "true"),
        (keys[SCRIPT], SCRIPT, at["script"], "true", "false"),
    ]
    assert cards == sorted(expected, key=lambda c: (c[2], c[0]), reverse=True)
    assert {r[7] for r in rows[1:]} == {"3"}
    cloud = await client.get(
        event_url(created, "questions", "q2", "export") + "?format=csv",
        headers={**host(created), **NOBODY},
    )
    (_, *entries) = list(csv.reader(io.StringIO(cloud.content.decode("utf-8-sig"))))
    assert [(r[8], r[9], r[10], r[18]) for r in entries] == [("<b>", "<B>", "2", "false")]


async def test_the_wall_is_drawn_with_what_everyone_may_see(client: httpx.AsyncClient) -> None:
    created = (await run_event(client))["created"]
    for headers in ({**host(created), **NOBODY}, voter(3)):
        svg = await client.get(
            event_url(created, "questions", "q1", "export") + "?format=svg", headers=headers
        )
        assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
        assert "一行目" in svg.text  # approved
        assert "alert" not in svg.text and "HYPERLINK" not in svg.text  # hidden, pending
        png = await client.get(event_url(created, "questions", "q1", "export"), headers=headers)
        assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
