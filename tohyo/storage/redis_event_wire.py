"""An event as Redis holds it and as its channel carries it: fields in, messages out.

The event's hash keeps the structure as one JSON `doc` (`event_codec`, tallies left
out), and beside it what the Lua scripts check without decoding the doc: expiresAt, the
status, and one `qs:<questionId>` field per question. Tallies are a hash of their own,
one field per counter, so an answer adds to them with HINCRBY.

Every change is published with its version first (the subscriber orders by it):

- a host's change: `<v> c <revision> <doc>`: the whole new structure;
- an answer: `<v> a {"q", "r", "p", "n", "c"}`: question, round, participant (hex), the
  round's new total and the new values of the counters it touched — a changed answer's
  old counters among them, 0 for one it emptied (Redis deletes it: so does the copy).

Both are absolute for what they carry, and neither carries everything: applied to the
state just before it (version v-1), each gives the exact state at v (`apply`). A host's
change never moves a tally, so a structure applied to the tallies of v-1 is exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from tohyo.domain.event import Event, Response, RoundKey
from tohyo.domain.questions import EMPTY, Tally
from tohyo.storage import event_codec
from tohyo.storage.events import Answer

Tallies = dict[RoundKey, Tally]


# --- the event's hash ------------------------------------------------------------------


def doc_of(event: Event) -> str:
    """The event without its tallies, revision and version (they are fields of their own)."""
    stored = event_codec.event_to_json(replace(event, tallies={}))
    for counted in ("tallies", "revision", "version"):
        del stored[counted]
    return event_codec.dumps(stored)


def event_of(doc: bytes | str, revision: int, version: int, tallies: Tallies) -> Event:
    stored = json.loads(doc)
    stored.update(revision=revision, version=version, tallies={})
    return replace(event_codec.event_from_json(stored), tallies=tallies)


def question_states(event: Event) -> list[str]:
    """questionId, "<status> <round> <closesAt or 0> <allowChange 0|1>", ... : what an
    answer is checked against (lua/event_answer.lua)."""
    states: list[str] = []
    for q in event.questions:
        change = 1 if q.allow_change else 0
        states += (q.question_id, f"{q.status} {q.round} {q.closes_at or 0} {change}")
    return states


def parse_tallies(flat: list[bytes]) -> Tallies:
    """The tallies hash as HGETALL gives it: field, value, field, value, ..."""
    counts: dict[RoundKey, dict[str, int]] = {}
    totals: dict[RoundKey, int] = {}
    for field, value in zip(flat[::2], flat[1::2], strict=True):
        # Question ids and rounds hold no ":"; a counter's name may.
        question_id, round_, *counter = field.decode().split(":", 2)
        key = (question_id, int(round_))
        if counter:
            counts.setdefault(key, {})[counter[0]] = int(value)
        else:
            totals[key] = int(value)
    return {key: Tally(counts.get(key, {}), totals.get(key, 0)) for key in counts | totals}


def parse_response(field: bytes, value: bytes) -> Response:
    """An answer as the responses hash holds it: "<questionId>:<round>:<participant>" ->
    "answeredAt answerJSON", and after a line break the counters it added, if it may be
    changed (lua/event_answer.lua)."""
    question_id, round_, participant = field.split(b":", 2)
    answered_at, _, rest = value.partition(b" ")
    answer = rest.split(b"\n", 1)[0]
    return Response(
        question_id.decode(), int(round_), participant, json.loads(answer), int(answered_at)
    )


def parse_nickname(value: bytes) -> str:
    """A nickname's shown form, as the nicknames hash holds it: "<bytes in its key>
    <key><shown>" (lua/event_nickname.lua)."""
    length, rest = value.split(b" ", 1)
    return rest[int(length) :].decode()


# --- messages --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HostMessage:
    version: int
    revision: int
    doc: bytes


@dataclass(frozen=True, slots=True)
class AnswerMessage:
    version: int
    answer: Answer  # (participant, questionId, round)
    total: int
    counts: dict[str, int]  # the new values of the counters the answer touched (0: gone)


Message = HostMessage | AnswerMessage


def parse_message(line: bytes) -> Message:
    version, kind, rest = line.split(b" ", 2)
    if kind == b"c":
        revision, doc = rest.split(b" ", 1)
        return HostMessage(int(version), int(revision), doc)
    body: dict[str, Any] = json.loads(rest)
    touched: list[Any] = body["c"] or []  # Lua's cjson writes an empty list as {}
    counts = dict(zip(touched[::2], (int(c) for c in touched[1::2]), strict=True))
    answer = (bytes.fromhex(body["p"]), body["q"], int(body["r"]))
    return AnswerMessage(int(version), answer, int(body["n"]), counts)


def apply(event: Event, message: Message) -> Event:
    """The state at `message.version`, from `event`, the state at the version before."""
    if isinstance(message, HostMessage):
        return event_of(message.doc, message.revision, message.version, dict(event.tallies))
    _, question_id, round_ = message.answer
    key = (question_id, round_)
    before = event.tallies.get(key, EMPTY)
    tallies = dict(event.tallies)
    counts = {**before.counts, **message.counts}
    for name, count in message.counts.items():
        if count <= 0:  # a changed answer emptied it: gone in Redis, as in Tally.replace
            del counts[name]
    tallies[key] = Tally(counts, message.total)
    return replace(event, version=message.version, tallies=tallies)


def made_by(event: Event, message: Message) -> bool:
    """Whether `event` (a state at `message.version`) is what `message` made: if not,
    Redis has gone back and committed other changes under the same versions."""
    if isinstance(message, HostMessage):
        return event.revision == message.revision
    _, question_id, round_ = message.answer
    tally = event.tallies.get((question_id, round_), EMPTY)
    counts = tally.counts
    return tally.total == message.total and all(
        counts.get(name, 0) == count for name, count in message.counts.items()
    )
