"""The frames of one version of an event (`EventFrames`), each rendered once.

The host's frame is the whole event (`event_view`). A participant's is `phone_view`, and
phones differ only in whether they answered each shown question's current round — so its
JSON is put together here from pieces rendered once per version: the event's fields, alike
for every phone, and each shown question's view for those who answered it and for those
who did not (`phone_question_view`). A hall in audience pace whose phones answered different
questions then costs a join of bytes per phone, not a render of every question per phone
(at 100 questions, 200 phones of different answers took ~100 ms a pass rendered whole).
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
from tohyo.feed.frames import sse_frame


class EventFrames:
    """Every frame of `event` asked for so far, by event name and audience."""

    __slots__ = ("_fields", "_frames", "_parts", "_rounds", "_shown", "event")

    def __init__(self, event: Event) -> None:
        self.event = event
        self._frames: dict[tuple[str, Hashable], bytes] = {}
        # What a phone shows of this version: each question with its position, its current
        # round, and whether its view turns on the participant's answer to it.
        self._shown: list[tuple[int, Question, RoundKey, bool]] = [
            (position, q, (q.question_id, q.round), answer_shown(q))
            for position, q in on_phones(event)
        ]
        self._rounds = audience_rounds(event)
        self._parts: dict[tuple[str, bool], bytes] = {}  # (question, answered) -> its JSON
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
            part_key = (question.question_id, turns and current in answered)
            part = self._parts.get(part_key)
            if part is None:
                view = phone_question_view(self.event, question, position, mine=part_key[1])
                part = self._parts[part_key] = orjson.dumps(view)
            parts.append(part)
        if self._fields is None:
            self._fields = orjson.dumps({**phone_fields(self.event), "isHost": False})
        data = b'%s,"questions":[%s]}' % (self._fields[:-1], b",".join(parts))
        return b"event: %s\ndata: %s\n\n" % (kind.encode(), data)
