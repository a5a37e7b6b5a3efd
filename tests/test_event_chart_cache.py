"""A round's chart is cached by what it shows, not by the event's version: an answer to
another question (a hidden one too) leaves the picture and the cache alone, so how fast a
download comes back says nothing about it; an answer to this question draws it afresh.
Regression: the event's version keyed the cache, and a participant timing their downloads
of a visible chart saw each answer to a question whose results are the host's alone."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import host, voter
from tests.event_builders import NOW, new_event, spec
from tests.events_http import NOBODY, answer, as_host, create_event, event_url
from tohyo import event_export
from tohyo.domain import event_transitions as t
from tohyo.web.app import TohyoApp

VISIBLE = {
    "type": "single",
    "prompt": "Visible?",
    "choices": [{"text": "a"}, {"text": "b"}],
    "resultsVisibility": "always",
}
SECRET = {**VISIBLE, "prompt": "Secret?", "resultsVisibility": "host"}


async def png(client: httpx.AsyncClient, created: dict[str, Any], headers: Any) -> bytes:
    url = event_url(created, "questions", "q1", "export") + "?format=png&width=640&height=360"
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.content


async def test_only_what_a_round_shows_draws_its_chart_again(
    app: TohyoApp, client: httpx.AsyncClient
) -> None:
    created = await create_event(client, questions=[VISIBLE, SECRET])
    for qid in ("q1", "q2"):
        await as_host(client, "POST", created, "questions", qid, "open")
    spy = voter(99)
    charts = app.context.charts
    first = await png(client, created, spy)
    drawn = charts.rendered
    for n in range(3):  # hidden answers: the same picture, from the cache
        assert (await answer(client, created, "q2", ["1"], voter(n))).status_code == 201
        assert await png(client, created, spy) == first
    await as_host(client, "POST", created, "questions", "q2", "close")  # nor a host change
    assert await png(client, created, spy) == first
    assert charts.rendered == drawn
    assert (await answer(client, created, "q1", ["2"], voter(1))).status_code == 201
    assert await png(client, created, spy) != first  # one more answer: drawn afresh
    assert charts.rendered == drawn + 1
    assert await png(client, created, {**host(created), **NOBODY}) == await png(
        client, created, spy
    )  # the host and a participant share it
    assert charts.rendered == drawn + 1
    await as_host(client, "POST", created, "questions", "q1", "close")
    await png(client, created, spy)  # "Voting closed" now
    assert charts.rendered == drawn + 2


def test_the_version_follows_the_text_status_and_counts_alone() -> None:
    e = t.open_question(new_event(spec("Lunch?"), spec("Other?"), now=NOW), "q1", NOW)
    e = t.open_question(e, "q2", NOW)

    def version(event: Any) -> int:
        q1 = event.question("q1")
        return event_export.question_session(event, q1, 1).version

    before = version(e)
    other = t.record_answer(e, e.questions[1], ("1",))
    assert version(other) == before and other.version != e.version
    assert version(t.configure_event(other, "Renamed", None)) == before
    assert version(t.record_answer(other, other.questions[0], ("1",))) != before
    assert version(t.close_question(other, "q1", NOW)) != before
