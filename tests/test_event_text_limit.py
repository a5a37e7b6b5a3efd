"""An event's question text is capped (`event_transitions.EVENT_TEXT_MAX`, 64 KiB): one
address could otherwise make each event 400 KB of stored, copied and cached text (100 of
the longest questions in Japanese). Adding, editing and creating are refused past it, with
409 invalid_state naming the limit; in the domain and through the API on every backend."""

from __future__ import annotations

import gc
import inspect
import tracemalloc
from typing import Any

import httpx
import pytest

from tests.event_builders import NOW, new_event, spec
from tests.events_http import as_host, create_event
from tohyo.config import Settings
from tohyo.domain import event_transitions as t
from tohyo.domain.event_specs import parse_question
from tohyo.errors import InvalidState
from tohyo.storage.event_homes import LocalEvents
from tohyo.storage.redis_events import RedisEvents

# The longest question the specs allow, in Japanese: 255 + 10 x 100 kana, 3,765 bytes.
LONGEST = {
    "type": "multiple",
    "prompt": "あ" * 255,
    "choices": [{"text": chr(0x3042 + i) * 100} for i in range(10)],
}
FITS = 17  # 17 x 3,765 bytes fit in 65,536; an 18th does not


def test_the_text_is_the_prompts_and_choices_in_utf8_bytes() -> None:
    e = new_event(spec("Lunch?", n=2), now=NOW)  # choices "choice 1", "choice 2"
    assert t.text_size(e) == len("Lunch?") + 2 * len("choice 1")
    longest = t.add_question(e, parse_question(LONGEST))
    assert t.text_size(longest) - t.text_size(e) == 255 * 3 + 10 * 100 * 3


def test_adding_past_the_limit_is_refused_and_changes_nothing() -> None:
    e = new_event(*(parse_question(LONGEST) for _ in range(FITS)), now=NOW)
    assert t.text_size(e) <= t.EVENT_TEXT_MAX
    with pytest.raises(InvalidState) as refused:
        t.add_question(e, parse_question(LONGEST))
    assert "64 KiB" in refused.value.message
    assert refused.value.details == {"limit": 65_536, "size": t.text_size(e) + 3_765}
    assert len(t.add_question(e, spec("Short?")).questions) == FITS + 1  # room for that


def test_the_limit_is_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    e = new_event(spec("One?"), now=NOW)
    grown = t.text_size(e) + len("Two?") + 3 * len("choice 1")
    monkeypatch.setattr(t, "EVENT_TEXT_MAX", grown)
    assert len(t.add_question(e, spec("Two?")).questions) == 2
    monkeypatch.setattr(t, "EVENT_TEXT_MAX", grown - 1)
    with pytest.raises(InvalidState):
        t.add_question(e, spec("Two?"))


def test_an_edit_that_grows_past_the_limit_is_refused() -> None:
    e = new_event(*(parse_question(LONGEST) for _ in range(FITS)), spec("Short?"), now=NOW)
    with pytest.raises(InvalidState):
        t.edit_question(e, f"q{FITS + 1}", parse_question(LONGEST | {"prompt": "い" * 255}))
    shrunk = t.edit_question(e, "q1", spec("Short too?"))  # an edit that shrinks it is fine
    assert t.text_size(shrunk) < t.text_size(e)


# --- through the API ---------------------------------------------------------------------


@pytest.fixture
def settings(storage: str) -> Settings:
    """Bodies of up to 1 MB: with the default 16 KiB a create never gets as far as the
    event's limit, but a deployment may allow larger ones."""
    return Settings(storage=storage, stream_interval=0.01, max_body=1_000_000)


def refusal(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 409, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == "invalid_state" and "64 KiB" in body["error"]
    assert body["details"]["limit"] == 65_536
    return body


async def test_the_api_refuses_an_event_past_the_limit_on_create_add_and_edit(
    client: httpx.AsyncClient,
) -> None:
    refusal(await client.post("/api/events", json={"title": "T", "questions": [LONGEST] * 18}))
    created = await create_event(client, questions=[LONGEST] * FITS)
    response = await client.post(
        f"/api/events/{created['eventId']}/questions",
        json=LONGEST,
        headers={"Authorization": "Bearer " + created["hostToken"]},
    )
    refusal(response)
    short = {"type": "multiple", "prompt": "Short?", "choices": [{"text": "a"}, {"text": "b"}]}
    await as_host(client, "POST", created, "questions", json=short, status=201)
    longer = [{"text": chr(0x3050 + i) * 100} for i in range(10)]  # 3,000 bytes: past it
    edited = await client.patch(
        f"/api/events/{created['eventId']}/questions/q{FITS + 1}",
        json={"choices": longer},
        headers={"Authorization": "Bearer " + created["hostToken"]},
    )
    refusal(edited)
    event = await as_host(client, "GET", created)
    assert [q["prompt"] for q in event["questions"]][-1] == "Short?"  # nothing changed


# --- what a process keeps ----------------------------------------------------------------


def test_the_events_a_process_keeps_take_well_under_a_gib_at_worst() -> None:
    """An event at the cap with the most objects the specs allow (100 questions of 10
    choices, each text its own string) as Python holds it, times the events a process
    keeps: the local homes and the Redis mirrors. (Before the cap, 10,000 were kept, of
    events that could take 600-870 KB each.)"""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        questions = [
            {
                "type": "multiple",
                "prompt": f"{i:03d}" + "p" * 147,
                "choices": [{"text": f"{i:03d}{c}" + "c" * 47} for c in range(10)],
            }
            for i in range(100)
        ]
        e = new_event(*(parse_question(q) for q in questions), now=NOW)
        del questions  # the request's body is gone; the event keeps its strings
        gc.collect()
        held = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
    finally:
        tracemalloc.stop()
    assert t.text_size(e) > t.EVENT_TEXT_MAX - 1024  # at the cap: 65,000 bytes
    homes = inspect.signature(LocalEvents).parameters["max_homes"].default
    mirrors = inspect.signature(RedisEvents).parameters["max_mirrors"].default
    for kept in (homes, mirrors):
        assert kept * t.EVENT_TEXT_MAX <= 128 * 2**20
        assert kept * held <= 512 * 2**20, f"{kept} x {held / 1024:.0f} KiB"
