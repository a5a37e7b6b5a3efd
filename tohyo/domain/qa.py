"""Audience Q&A, pure: what a participant may ask, what the host's moderation does, and
what each viewer is shown.

Q&A is a feature of an event, not a question of it: the host turns it on (`qa` "open":
questions show at once, "moderated": the host approves each first) or off, and the
participants ask as many questions as they like (up to QA_PER_PARTICIPANT) and upvote
others'. Entries are kept beside the event by every backend (a hall's hundreds of
questions and thousands of upvotes would ride every copy of the event otherwise), each
change decided at the event's serialization point: one upvote per (entry, participant),
as one answer per (question, round, participant).

An entry's status: "pending" (waiting for the host: in a moderated Q&A, or caught by the
event's banned words or profanity filter in any — nothing offensive reaches the wall
without a person's approval, and nothing is lost), "approved" (shown to everyone),
"answered" (shown, marked done), "hidden" (shown to the host only). One entry at most is
*pinned*: the one being answered, shown big on the presenter's screen.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from tohyo.domain.questions.base import Filters
from tohyo.domain.text import refusal, trim
from tohyo.domain.text_keys import caught, entry_key
from tohyo.domain.times import iso
from tohyo.errors import InvalidState, ValidationFailed

QaMode = Literal["off", "open", "moderated"]
QaStatus = Literal["pending", "approved", "answered", "hidden"]
QaAction = Literal["approve", "hide", "answered", "pin", "unpin"]

QA_MODES: tuple[QaMode, ...] = ("off", "open", "moderated")
ACTIONS: tuple[QaAction, ...] = ("approve", "hide", "answered", "pin", "unpin")
SHOWN: frozenset[str] = frozenset(("approved", "answered"))  # to everyone
TEXT_MAX = 280
QA_MAX = 2000  # entries of one event: a long day's Q&A, and a bound on what a frame holds
QA_PER_PARTICIPANT = 20  # one phone cannot fill the wall (nor the event's QA_MAX)
ASK_FIELDS = ("text", "nickname")
NOT_UPVOTABLE = "Only questions shown to everyone can be upvoted"
TOO_MANY = "This event takes no more questions"
TOO_MANY_MINE = f"You have asked {QA_PER_PARTICIPANT} questions already"
QA_OFF = "Q&A is off in this event"
NO_ENTRY = "No such question to the host in this event"
UPVOTED_ALREADY = "You have already upvoted this question"


@dataclass(frozen=True, slots=True)
class QaEntry:
    """One audience question as stored (its upvotes are counted by storage beside it)."""

    entry_id: str  # "a1", "a2", … in the order asked, never reused in the event
    author: bytes  # the participant key of who asked (never shown)
    text: str
    nickname: str | None  # shown with it when the author chose to; else anonymous
    status: QaStatus
    asked_at: int
    answered_at: int | None = None
    filtered: bool = False  # caught by the event's filters when asked (held for the host)
    upvotes: int = 0  # as storage counted them when this was read


@dataclass(frozen=True, slots=True)
class QaBoard:
    """An event's Q&A as of one `version` (+1 per change: asked, upvoted, moderated)."""

    version: int = 0
    pinned: str | None = None
    entries: tuple[QaEntry, ...] = ()  # in the order asked

    def entry(self, entry_id: str) -> QaEntry | None:
        for entry in self.entries:
            if entry.entry_id == entry_id:
                return entry
        return None


EMPTY_BOARD = QaBoard()


# --- asking --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ask:
    text: str
    with_nickname: bool  # `nickname: true`: shown with the asker's nickname


def parse_ask(payload: Any) -> Ask:
    """`POST …/qa`: `{text, nickname?: bool}`. The text is 1-280 characters of one line
    after trimming, with something visible; `nickname: true` shows the asker's nickname
    (anonymous by default)."""
    if not isinstance(payload, dict):
        raise ValidationFailed(
            "Send a JSON object", [{"field": "", "message": "must be an object"}]
        )
    unknown = sorted(set(payload) - set(ASK_FIELDS))
    if unknown:
        raise _refused(unknown[0], "is not a field of a question to the host")
    raw = payload.get("text")
    if not isinstance(raw, str):
        raise _refused("text", "must be a string")
    text = trim(raw)
    problem = refusal(text, TEXT_MAX)
    if problem is not None:
        raise _refused("text", problem)
    if not entry_key(text):
        raise _refused("text", "must have a visible character")
    named = payload.get("nickname", False)
    if not isinstance(named, bool):
        raise _refused("nickname", "must be true or false")
    return Ask(text, named)


def first_status(mode: QaMode, text: str, filters: Filters) -> tuple[QaStatus, bool]:
    """A new entry's status, and whether the event's filters caught it: caught or
    moderated, it waits for the host."""
    filtered = caught(entry_key(text), filters)
    return ("pending" if filtered or mode == "moderated" else "approved"), filtered


def require_asking(mode: QaMode) -> None:
    if mode == "off":
        raise InvalidState(QA_OFF)


def _refused(field: str, reason: str) -> ValidationFailed:
    return ValidationFailed(f"{field} {reason}", [{"field": field, "message": reason}])


# --- moderation ----------------------------------------------------------------------


def moderate(
    entry: QaEntry, pinned: str | None, action: QaAction, now: int
) -> tuple[QaEntry, str | None]:
    """The entry and the event's pinned entry after the host's `action`:

    - approve: shown to everyone (a hidden or answered entry is shown again, as asked);
    - hide: shown to the host only, and unpinned;
    - answered: marked done (and when), and unpinned: the host moves on;
    - pin: the one being answered now, in place of any other; an entry not answered is
      approved by it (a pending or hidden one too: the host chose to show it), an answered
      one stays answered;
    - unpin: nothing pinned, if this one was.

    Every backend applies exactly this, at the event's serialization point (the Redis
    script mirrors it: tests/test_qa_storage.py runs both through the same cases)."""
    if action == "approve":
        return replace(entry, status="approved", answered_at=None), pinned
    if action == "hide":
        return replace(entry, status="hidden"), _unpinned(pinned, entry)
    if action == "answered":
        return replace(entry, status="answered", answered_at=now), _unpinned(pinned, entry)
    if action == "pin":
        if entry.status == "answered":
            return entry, entry.entry_id
        return replace(entry, status="approved", answered_at=None), entry.entry_id
    return entry, _unpinned(pinned, entry)


def _unpinned(pinned: str | None, entry: QaEntry) -> str | None:
    return None if pinned == entry.entry_id else pinned


def parse_action(name: str) -> QaAction:
    for action in ACTIONS:
        if action == name:
            return action
    raise InvalidState(f"No such moderation: {name[:20]}")


# --- views ---------------------------------------------------------------------------


def entry_view(
    entry: QaEntry, *, host: bool, mine: bool = False, upvoted: bool = False
) -> dict[str, Any]:
    view: dict[str, Any] = {
        "entryId": entry.entry_id,
        "text": entry.text,
        "status": entry.status,
        "upvotes": entry.upvotes,
        "askedAt": iso(entry.asked_at),
    }
    if entry.nickname is not None:
        view["nickname"] = entry.nickname
    if entry.answered_at is not None:
        view["answeredAt"] = iso(entry.answered_at)
    if host and entry.filtered:
        view["filtered"] = True  # the filters caught it: why it waits
    if mine:
        view["mine"] = True
    if upvoted:
        view["upvoted"] = True
    return view


def board_view(
    board: QaBoard,
    mode: QaMode,
    *,
    host: bool,
    participant: bytes | None = None,
    upvoted: Collection[str] = (),
) -> dict[str, Any]:
    """`GET …/qa` and the stream's `qa` frames: the host sees every entry; everyone else
    the shown ones, and a participant their own pending ones too (flagged `mine`). Hidden
    entries are never shown to their author either: a hidden question is the host's call,
    and telling its author invites them to ask it again. The pinned entry is named only
    while it is shown."""
    entries = [
        entry_view(
            entry,
            host=host,
            mine=participant is not None and entry.author == participant,
            upvoted=entry.entry_id in upvoted,
        )
        for entry in board.entries
        if host or entry.status in SHOWN or _own_pending(entry, participant)
    ]
    pinned = board.pinned
    if pinned is not None and not host:
        shown = board.entry(pinned)
        pinned = pinned if shown is not None and shown.status in SHOWN else None
    return {"mode": mode, "version": board.version, "pinned": pinned, "entries": entries}


def _own_pending(entry: QaEntry, participant: bytes | None) -> bool:
    return participant is not None and entry.status == "pending" and entry.author == participant


def counted(entries: Iterable[QaEntry], upvotes: Mapping[str, int]) -> tuple[QaEntry, ...]:
    """The entries with storage's counts of their upvotes."""
    return tuple(replace(entry, upvotes=upvotes.get(entry.entry_id, 0)) for entry in entries)


def entry_id(number: int) -> str:
    return f"a{number}"


def is_entry_id(raw: str) -> bool:
    digits = raw[1:]
    return (
        len(raw) <= 12 and raw.startswith("a") and digits.isascii() and digits.isdigit()
        and digits[:1] != "0"
    )  # fmt: skip
