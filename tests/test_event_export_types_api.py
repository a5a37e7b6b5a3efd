"""One question's export over every backend: its JSON is the whole export's entry for it
(with the event it is from and when), its CSV the whole CSV's rows for it, every round;
the host's only, as the whole export is. Typed drafts and rounds in the CSV and JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from tests.conftest import host, voter
from tests.events_http import NOBODY, as_host, create_event, event_url
from tests.test_event_exports import two_rounds


async def question_export(
    client: httpx.AsyncClient, created: dict[str, Any], qid: str, query: str, **headers: str
) -> httpx.Response:
    url = event_url(created, "questions", qid, "export") + "?" + query
    return await client.get(url, headers=headers or {**host(created), **NOBODY})


async def test_a_question_exports_as_the_whole_export_has_it(client: httpx.AsyncClient) -> None:
    created = (await two_rounds(client))["created"]
    whole = await as_host(client, "GET", created, "export")
    for position, qid in enumerate(("q1", "q2", "q3")):
        response = await question_export(client, created, qid, "format=json")
        assert response.status_code == 200, response.text
        one = response.json()
        assert one.pop("eventId") == created["eventId"] and one.pop("exportedAt")
        assert one == whole["questions"][position]

    csv_whole = await client.get(
        event_url(created, "export") + "?format=csv&lang=ja", headers={**host(created), **NOBODY}
    )
    header, *rows = csv_whole.text.lstrip("\ufeff").split("\r\n")
    response = await question_export(client, created, "q1", "format=csv&lang=ja")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    name = f"tohyo-{created['eventId']}-q1.csv"
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    one_header, *one_rows = response.text.lstrip("\ufeff").split("\r\n")
    assert one_header == header
    assert one_rows[:-1] == [r for r in rows if r.startswith("q1,")] and one_rows[-1] == ""
    assert response.content.startswith("\ufeff".encode())


async def test_a_question_export_is_the_hosts_only(client: httpx.AsyncClient) -> None:
    created = (await two_rounds(client))["created"]
    for fmt in ("json", "csv"):
        for headers in (voter(1), NOBODY):
            refused = await question_export(client, created, "q1", f"format={fmt}", **headers)
            assert refused.status_code == 401 and refused.json()["code"] == "unauthorized"
        unknown = await question_export(client, created, "q9", f"format={fmt}")
        assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
        bad = await question_export(client, created, "q1", f"format={fmt}&lang=fr")
        assert bad.status_code == 400 and "lang" in bad.json()["details"]
    bad = await question_export(client, created, "q1", "format=xml")
    assert bad.status_code == 400 and bad.json()["details"]["format"] == [
        "png",
        "svg",
        "json",
        "csv",
    ]


async def test_typed_drafts_and_rounds_have_their_rows(client: httpx.AsyncClient) -> None:
    """A draft of each typed question has a row per statement or item (or one), counts
    empty; a reset word cloud a row per entry of each round, its earlier round closed."""
    drafts = [
        {"type": "wordcloud", "prompt": "@Words"},
        {"type": "text", "prompt": "Text"},
        {
            "type": "scale",
            "prompt": "Scale",
            "points": 3,
            "statements": [{"text": "=A"}, {"text": "B"}],
        },
        {"type": "ranking", "prompt": "Rank", "choices": [{"text": "X"}, {"text": "-Y"}]},
        {"type": "wordcloud", "prompt": "Again"},
    ]
    created = await create_event(client, questions=drafts)
    await as_host(client, "POST", created, "questions", "q5", "open")
    url = event_url(created, "questions", "q5", "responses")
    assert (await client.post(url, json={"entries": ["one"]}, headers=voter(1))).status_code == 201
    await as_host(client, "POST", created, "questions", "q5", "reset")
    assert (await client.post(url, json={"entries": ["two"]}, headers=voter(1))).status_code == 201
    response = await client.get(
        event_url(created, "export") + "?format=csv", headers={**host(created), **NOBODY}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 20 and all(len(r) == 20 for r in rows)
    assert [(r[0], r[2], r[5], r[7], r[8], r[9], r[10]) for r in rows[1:]] == [
        ("q1", "'@Words", "", "", "", "", ""),
        ("q2", "Text", "", "", "", "", ""),
        ("q3", "Scale", "", "", "1", "'=A", ""),
        ("q3", "Scale", "", "", "2", "B", ""),
        ("q4", "Rank", "", "", "1", "X", ""),
        ("q4", "Rank", "", "", "2", "'-Y", ""),
        ("q5", "Again", "1", "1", "one", "one", "1"),
        ("q5", "Again", "2", "1", "two", "two", "1"),
    ]
    exported = await as_host(client, "GET", created, "export")
    assert [q["rounds"] for q in exported["questions"][:4]] == [[], [], [], []]
    first, second = exported["questions"][4]["rounds"]
    assert [e["key"] for e in first["results"]["entries"]] == ["one"]
    assert [e["key"] for e in second["results"]["entries"]] == ["two"]
    for round_ in (1, 2):
        picture = await client.get(
            event_url(created, "questions", "q5", "export") + f"?format=svg&round={round_}",
            headers=voter(1),
        )
        assert picture.status_code == 200 and ("one" if round_ == 1 else "two") in picture.text
