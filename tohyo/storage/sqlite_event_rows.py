"""An event as SQLite rows, and rows back as an event: every statement the event journal
(`tohyo.storage.sqlite_events`) runs, and the tuples it binds to them.

An event is three parts (schema.sql): its row, its structure, a row per round's tally;
each answer is a row of its own in `responses`, each nickname in `event_nicknames` (whose
statements are `sqlite_nickname_rows`'). Nothing here touches a connection.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from tohyo.domain.event import Event, Response, RoundKey
from tohyo.domain.questions import Increments
from tohyo.storage import event_codec as codec

_COLUMNS = "id, code, status, revision, version, host_key, created_at, expires_at, ended_at"

# --- reads -----------------------------------------------------------------------------

SELECT_EVENT = (
    f"SELECT {_COLUMNS}, structure FROM events JOIN event_structures ON event_id = id WHERE id = ?"
)
SELECT_TALLIES = "SELECT question_id, round, counts, total FROM event_tallies WHERE event_id = ?"
SELECT_ANSWERED = "SELECT participant, question_id, round FROM responses WHERE event_id = ?"
SELECT_KEPT = (
    "SELECT participant, question_id, round, increments FROM responses"
    " WHERE event_id = ? AND increments IS NOT NULL"
)
SELECT_ANSWERS = (
    "SELECT question_id, round, answer FROM responses WHERE event_id = ? AND participant = ?"
)
SELECT_RESPONSES = (
    "SELECT question_id, round, participant, answer, answered_at FROM responses"
    " WHERE event_id = ? ORDER BY seq"
)
SELECT_LIVE_CODES = "SELECT id, code FROM events WHERE status = 'live'"
SELECT_EXPIRED = "SELECT id FROM events WHERE expires_at <= ? LIMIT ?"

# --- writes ----------------------------------------------------------------------------

# A batch holds each event's newest state once, however many answers led to it, and
# writes of it only the parts its changes touched: a host's change the row and the
# structure, an answer the version and its round's tally.
UPSERT_EVENT = (
    f"INSERT INTO events ({_COLUMNS}) VALUES ({', '.join(['?'] * 9)})"
    " ON CONFLICT (id) DO UPDATE SET code = excluded.code, status = excluded.status,"
    " revision = excluded.revision, version = excluded.version,"
    " expires_at = excluded.expires_at, ended_at = excluded.ended_at"
)
UPSERT_STRUCTURE = (
    "INSERT INTO event_structures (event_id, structure) VALUES (?, ?)"
    " ON CONFLICT (event_id) DO UPDATE SET structure = excluded.structure"
)
UPDATE_VERSION = "UPDATE events SET version = ? WHERE id = ?"
UPSERT_TALLY = (
    "INSERT INTO event_tallies (event_id, question_id, round, counts, total)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_id, question_id, round)"
    " DO UPDATE SET counts = excluded.counts, total = excluded.total"
)
INSERT_RESPONSES = (
    "INSERT INTO responses"
    " (event_id, question_id, round, participant, answer, answered_at, increments) VALUES "
)
# A changed answer takes its old one's place: only answers kept with their increments
# (to questions that allow a change) can be, and the partial index on exactly those
# (sqlite_file.CHANGEABLE_INDEX) finds the row without a scan of the event's answers.
UPDATE_RESPONSE = (
    "UPDATE responses SET answer = ?, answered_at = ?, increments = ?"
    " WHERE event_id = ? AND question_id = ? AND round = ? AND participant = ?"
    " AND increments IS NOT NULL"
)
DELETE_EVENT = tuple(
    f"DELETE FROM {table} WHERE {column} = ?"
    for table, column in (
        ("responses", "event_id"),
        ("event_nicknames", "event_id"),
        ("event_tallies", "event_id"),
        ("event_structures", "event_id"),
        ("events", "id"),
    )
)

# (event_id, question_id, round, participant, answer JSON, answered_at, increments JSON
# for an answer to a question that allows a change, else None)
ResponseRow = tuple[str, str, int, bytes, str, int, str | None]


def event_row(event: Event) -> tuple[Any, ...]:
    return (
        event.event_id,
        event.code or None,  # an ended event has released its code
        event.status,
        event.revision,
        event.version,
        event.host_key,
        event.created_at,
        event.expires_at,
        event.ended_at,
    )


def structure_row(event: Event) -> tuple[str, str]:
    return event.event_id, codec.dumps(codec.structure_to_json(event))


def tally_rows(event: Event, keys: Collection[RoundKey]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for key in keys:
        tally = event.tallies.get(key)
        if tally is not None:
            question_id, round_ = key
            counts = codec.dumps(dict(tally.counts))
            rows.append((event.event_id, question_id, round_, counts, tally.total))
    return rows


def event_from_rows(row: tuple[Any, ...], tallies: list[tuple[Any, ...]]) -> Event:
    """The event from its row (and structure, joined) and its rounds' tally rows."""
    counted = {
        codec.round_key((question_id, round_)): {"counts": json.loads(counts), "total": total}
        for question_id, round_, counts, total in tallies
    }
    return codec.event_from_parts(
        event_id=row[0],
        code=row[1],
        status=row[2],
        revision=row[3],
        version=row[4],
        host_key=row[5],
        created_at=row[6],
        expires_at=row[7],
        ended_at=row[8],
        structure=row[9],
        tallies=counted,
    )


def response_row(
    event_id: str, response: Response, increments: Increments | None = None
) -> ResponseRow:
    return (
        event_id,
        response.question_id,
        response.round,
        response.participant,
        codec.dumps(response.answer),
        response.answered_at,
        None if increments is None else codec.dumps(list(increments)),
    )


def update_row(row: ResponseRow) -> tuple[Any, ...]:
    """UPDATE_RESPONSE's parameters for a changed answer's row."""
    event_id, question_id, round_, participant, answer, answered_at, increments = row
    return (answer, answered_at, increments, event_id, question_id, round_, participant)
