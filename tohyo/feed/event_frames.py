"""The frames of one version of an event (`EventFrames`), each rendered once.

The host's frame is the whole event (`event_view`). A participant's is `phone_view`, and
phones differ only in whether they answered each shown question's current round — so its
JSON is put together here from pieces rendered once per version: the event's fields, alike
for every phone, and each shown question's view for those who answered it and for those
who did not (`phone_question_view`). A hall in audience pace whose phones answered different
questions then costs a join of bytes per phone, not a render of every question per phone
(at 100 questions, 200 phones of different answers took ~100 ms a pass rendered whole).

A question's view is the same in the next version unless the question, its tally, its
position or the event's filters (banned words, profanity filter) changed — and an answer
changes one tally — so the pieces are handed on from version to version and only what
changed is rendered again. (A question and a tally are immutable values, replaced by a
change: a piece is kept with those it shows, and reused only while they are equal —
mostly the very same objects, which compare at once.)
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

import orjson

from tohyo.domain.event import Event, Question, RoundKey
from tohyo.domain.event_views import (
    answer_shown,
    audience,
    audience_rounds,
    event_view,
    on_phones,
    phone_fields,
    phone_question_view,
)
from tohyo.domain.questions import Tally
from tohyo.feed.frames import sse_frame

# A question's view as JSON, with what it shows: the question, its tally, its position.
Piece = tuple[Question, Tally, int, bytes]


class EventFrames:
    """Every frame of `event` asked for so far, by event name and audience; `before`, the
    frames of the state before it, whose pieces still true are reused."""

    __slots__ = ("_fields", "_frames", "_parts", "_rounds", "_shown", "event")

    def __init__(self, event: Event, before: EventFrames | None = None) -> None:
        self.event = event
        self._frames: dict[tuple[str, Hashable], bytes] = {}
        # What a phone shows of this version: each question with its position, its current
        # round, and whether its view turns on the participant's answer to it.
        self._shown: list[tuple[int, Question, RoundKey, bool]] = [
            (position, q, (q.question_id, q.round), answer_shown(q))
            for position, q in on_phones(event)
        ]
        self._rounds = audience_rounds(event)
        # (question id, answered) -> its piece; those of questions no longer shown go, and
        # all of them when the event's filters changed: a piece is checked against its
        # question and tally only, and a word banned since leaves every typed result.
        shown = {q.question_id for _, q, _, _ in self._shown}
        self._parts: dict[tuple[str, bool], Piece] = (
            {key: piece for key, piece in before._parts.items() if key[0] in shown}
            if before is not None and before.event.filters() == event.filters()
            else {}
        )
        self._fields: bytes | None = None  # the phone frame's JSON but its questions

    def frame(self, kind: str, *, host: bool, answered: Collection[RoundKey]) -> bytes:
        """The SSE frame for this audience; `id:` (the version, which counts every
        answer) only on the host's."""
        key = (kind, audience(self.event, host=host, answered=answered, rounds=self._rounds))
        frame = self._frames.get(key)
        if frame is None:
            frame = self._host_frame(kind) if host else self._phone_frame(kind, answered)
            self._frames[key] = frame
        return frame

    def _host_frame(self, kind: str) -> bytes:
        view = event_view(self.event, host=True)
        view["isHost"] = True
        return sse_frame(kind, view["version"], view)

    def _phone_frame(self, kind: str, answered: Collection[RoundKey]) -> bytes:
        """`phone_view(event, answered)` with `isHost: false`, as JSON (its questions come
        last), no `id:` line."""
        parts = []
        for position, question, current, turns in self._shown:
            mine = turns and current in answered
            tally = self.event.tally(question)
            piece = self._parts.get((question.question_id, mine))
            if piece is None or (piece[0], piece[1], piece[2]) != (question, tally, position):
                view = phone_question_view(self.event, question, position, mine=mine)
                piece = (question, tally, position, orjson.dumps(view))
                self._parts[(question.question_id, mine)] = piece
            parts.append(piece[3])
        if self._fields is None:
            self._fields = orjson.dumps({**phone_fields(self.event), "isHost": False})
        data = b'%s,"questions":[%s]}' % (self._fields[:-1], b",".join(parts))
        return b"event: %s\ndata: %s\n\n" % (kind.encode(), data)
