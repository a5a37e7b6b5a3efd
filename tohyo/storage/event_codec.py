"""An event as stored: its structure and its tallies to JSON and back, for every backend.

An event is kept in three parts, so that each change writes only what it changed:

- the fields a store indexes or compares (id, code, status, host key, times, `revision`,
  `version`) in columns or hash fields of the backend's own;
- the *structure* (title, pace, presenting, the questions and their lifecycle) as one
  JSON object, changed only by the host (`revision`);
- the *tallies* as one JSON object keyed ``"questionId:round"``, changed by answers.

A question's config is stored by its type (`config_to_json` / `config_from_json`), so
this module never names a question type. Nothing here knows SQLite or Redis.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from tohyo.domain import questions
from tohyo.domain.event import Event, EventStatus, Question, RoundKey
from tohyo.domain.questions import Tally


def dumps(value: Any) -> str:
    """Compact JSON, with text kept as written: a Japanese prompt escaped to \\uXXXX
    would take twice the bytes."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- structure -------------------------------------------------------------------------


# The indexed fields: a backend keeps these in columns or hash fields of its own.
INDEXED = (
    "event_id",
    "code",
    "status",
    "host_key",
    "created_at",
    "expires_at",
    "ended_at",
    "revision",
    "version",
)
# The structure holds every other field of an event and of its questions, found from the
# dataclasses themselves: a field added to the domain (a JSON value or a tuple of them) is
# stored without a change here, and a row written before it existed reads back with the
# field's default. Fields this version does not know are ignored. A tuple is stored as a
# list and read back as a tuple; a frozenset (a field whose default is one) as a sorted
# list, read back as a frozenset.
_STRUCTURE_FIELDS = tuple(
    f.name for f in fields(Event) if f.name not in (*INDEXED, "tallies", "questions")
)
_QUESTION_FIELDS = tuple(
    f.name for f in fields(Question) if f.name not in ("question_id", "config")
)


_SETS = frozenset(
    f.name for f in (*fields(Event), *fields(Question)) if isinstance(f.default, frozenset)
)


def _plain(value: Any) -> Any:
    if isinstance(value, frozenset):
        return sorted(value)
    return list(value) if isinstance(value, tuple) else value


def _frozen(name: str, value: Any) -> Any:
    if name in _SETS:
        return frozenset(value)
    return tuple(value) if isinstance(value, list) else value  # the domain's lists are tuples


def question_to_json(question: Question) -> dict[str, Any]:
    stored = {name: _plain(getattr(question, name)) for name in _QUESTION_FIELDS}
    stored["id"] = question.question_id
    stored["config"] = questions.kind(question.type).config_to_json(question.config)
    return stored


def question_from_json(stored: Mapping[str, Any]) -> Question:
    type_name = stored["type"]
    return Question(
        question_id=stored["id"],
        config=questions.kind(type_name).config_from_json(type_name, stored["config"]),
        **{name: _frozen(name, stored[name]) for name in _QUESTION_FIELDS if name in stored},
    )


def structure_to_json(event: Event) -> dict[str, Any]:
    """What the host shapes (title, pace, presenting, the questions and their lifecycle):
    everything of the event but its indexed fields and its tallies."""
    stored = {name: _plain(getattr(event, name)) for name in _STRUCTURE_FIELDS}
    stored["questions"] = [question_to_json(q) for q in event.questions]
    return stored


def _structure_from_json(stored: Mapping[str, Any]) -> dict[str, Any]:
    shaped = {name: _frozen(name, stored[name]) for name in _STRUCTURE_FIELDS if name in stored}
    shaped["questions"] = tuple(question_from_json(q) for q in stored["questions"])
    return shaped


# --- tallies ---------------------------------------------------------------------------


def round_key(key: RoundKey) -> str:
    """``"q3:2"`` for question q3, round 2."""
    return f"{key[0]}:{key[1]}"


def parse_round_key(stored: str) -> RoundKey:
    question_id, _, round_ = stored.rpartition(":")
    return question_id, int(round_)


def tally_to_json(tally: Tally) -> dict[str, Any]:
    return {"counts": dict(tally.counts), "total": tally.total}


def tally_from_json(stored: Mapping[str, Any]) -> Tally:
    return Tally(dict(stored["counts"]), stored["total"])


def tallies_to_json(tallies: Mapping[RoundKey, Tally]) -> dict[str, Any]:
    return {round_key(key): tally_to_json(tally) for key, tally in tallies.items()}


def tallies_from_json(stored: Mapping[str, Any]) -> dict[RoundKey, Tally]:
    return {parse_round_key(key): tally_from_json(tally) for key, tally in stored.items()}


# --- the whole event -------------------------------------------------------------------


def event_from_parts(
    *,
    event_id: str,
    code: str | None,
    status: EventStatus,
    host_key: bytes,
    created_at: int,
    expires_at: int,
    ended_at: int | None,
    revision: int,
    version: int,
    structure: Mapping[str, Any] | str,
    tallies: Mapping[str, Any] | str,
) -> Event:
    """The event from its indexed fields and its two JSON parts (objects or their text)."""
    shape = json.loads(structure) if isinstance(structure, str) else structure
    counted = json.loads(tallies) if isinstance(tallies, str) else tallies
    return Event(
        event_id=event_id,
        code=code or "",
        host_key=bytes(host_key),
        created_at=created_at,
        expires_at=expires_at,
        status=status,
        ended_at=ended_at,
        revision=revision,
        version=version,
        tallies=tallies_from_json(counted),
        **_structure_from_json(shape),
    )


def event_to_json(event: Event) -> dict[str, Any]:
    """The whole event as one JSON object (the host key in hex), for a store that keeps
    it in one value; `event_from_json` reads it back."""
    return {
        "event_id": event.event_id,
        "code": event.code,
        "status": event.status,
        "host_key": event.host_key.hex(),
        "created_at": event.created_at,
        "expires_at": event.expires_at,
        "ended_at": event.ended_at,
        "revision": event.revision,
        "version": event.version,
        "structure": structure_to_json(event),
        "tallies": tallies_to_json(event.tallies),
    }


def event_from_json(stored: Mapping[str, Any]) -> Event:
    return event_from_parts(
        event_id=stored["event_id"],
        code=stored["code"],
        status=stored["status"],
        host_key=bytes.fromhex(stored["host_key"]),
        created_at=stored["created_at"],
        expires_at=stored["expires_at"],
        ended_at=stored["ended_at"],
        revision=stored["revision"],
        version=stored["version"],
        structure=stored["structure"],
        tallies=stored["tallies"],
    )
