"""One question's export over every backend: its JSON is the whole export's entry for it
(with the event it is from and when), its CSV the whole CSV's rows for it, every round;
the host's only, as the whole export is."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import host, voter
from tests.events_http import NOBODY, as_host, event_url
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
