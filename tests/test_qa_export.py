"""The audience Q&A as the host takes it home, every backend: in the event's JSON export,
and `…/qa/export` as JSON and as CSV (English and Japanese headers) — every entry, hidden
and pending ones too, with upvotes, status and times, and never who asked."""

from __future__ import annotations

import csv
import io

import httpx

from tests.conftest import voter
from tests.events_http import NOBODY, as_host, create_event, event_url


async def a_moderated_qa(client: httpx.AsyncClient) -> dict[str, str]:
    created = await create_event(client)
    await as_host(client, "PATCH", created, json={"qa": "moderated", "bannedWords": ["spoiler"]})
    await client.put(event_url(created, "me"), json={"nickname": "Aki"}, headers=voter(1))
    for n, body in enumerate(
        (
            {"text": "Will the slides be shared?", "nickname": True},
            {"text": '=HYPERLINK("http://example.com")'},
            {"text": "Any spoiler?"},
        ),
        start=1,
    ):
        response = await client.post(event_url(created, "qa"), json=body, headers=voter(n))
        assert response.status_code == 201, response.text
    await as_host(client, "POST", created, "qa", "a1", "approve")
    await as_host(client, "POST", created, "qa", "a2", "hide")
    await as_host(client, "POST", created, "qa", "a1", "pin")
    up = await client.post(event_url(created, "qa", "a1", "upvote"), headers=voter(9))
    assert up.status_code == 201
    return created


async def test_the_event_export_lists_every_entry(client: httpx.AsyncClient) -> None:
    created = await a_moderated_qa(client)
    exported = await as_host(client, "GET", created, "export")
    part = exported["qa"]
    assert part["mode"] == "moderated" and part["pinned"] == "a1"
    first, second, third = part["entries"]
    assert (first["status"], first["upvotes"], first["nickname"]) == ("approved", 1, "Aki")
    assert second["status"] == "hidden" and third["status"] == "pending"
    assert third["filtered"] is True and "askedAt" in third
    for entry in part["entries"]:
        assert set(entry) <= {
            *("entryId", "text", "status", "upvotes", "askedAt"),
            *("nickname", "answeredAt", "filtered"),
        }
    own = await as_host(client, "GET", created, "qa", "export")
    assert own["entries"] == part["entries"] and own["eventId"] == created["eventId"]


async def test_an_event_without_qa_exports_none(client: httpx.AsyncClient) -> None:
    created = await create_event(client)
    assert "qa" not in await as_host(client, "GET", created, "export")


async def test_the_qa_csv_in_english_and_japanese(client: httpx.AsyncClient) -> None:
    created = await a_moderated_qa(client)
    await as_host(client, "POST", created, "qa", "a1", "answered")
    url = event_url(created, "qa", "export")
    headers = {"authorization": f"Bearer {created['hostToken']}", **NOBODY}
    english = await client.get(url, params={"format": "csv", "lang": "en"}, headers=headers)
    assert english.status_code == 200
    assert english.headers["content-type"].startswith("text/csv")
    assert english.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Entry ID", "Question", "Nickname", "Status", "Upvotes"]
    assert [row[0] for row in rows[1:]] == ["a1", "a2", "a3"]
    assert rows[1][3] == "answered" and rows[1][4] == "1" and rows[1][6]  # answered at
    assert rows[2][1].startswith("'=")  # a formula is text in a spreadsheet
    assert rows[3][8] == "yes"  # caught by the banned word
    japanese = await client.get(url, params={"format": "csv", "lang": "ja"}, headers=headers)
    assert japanese.content.decode("utf-8-sig").splitlines()[0].startswith("項目ID,質問")


async def test_the_qa_export_is_the_hosts(client: httpx.AsyncClient) -> None:
    created = await a_moderated_qa(client)
    url = event_url(created, "qa", "export")
    assert (await client.get(url, headers=NOBODY)).status_code == 401
    bad = await client.get(
        url, params={"format": "xml"}, headers={"authorization": f"Bearer {created['hostToken']}"}
    )
    assert bad.status_code == 400
