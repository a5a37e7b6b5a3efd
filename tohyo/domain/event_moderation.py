"""What the host's moderation does to an event: pure transitions, as `event_transitions`'
(the same object when nothing changes; else `changed`, one revision and version on), and
the bodies that ask for them, checked.

`moderate(event, question_id, key, action)` acts on one entry of a word cloud (its key,
`text_keys.entry_key`'s) or of an open-text question (a card's key, `"{at}.{tag}"`):

- hide: the entry leaves everyone's results but the host's (flagged `hidden` there);
- restore: undoes hide, and only that — a card of an "approve first" question that was
  approved is shown again, one that was not is pending again;
- approve: "approve first" open text only — the card is public; approving a hidden card
  restores it too (the host chose to show it). There is no "unapprove": hide does that.

A key need not be in the tally: a host may hide a word before anyone sends it (its key is
taken as a word cloud keys it, so "Kyoto" hides "kyoto"). Each question keeps at most
`KEYS_MAX` hidden keys and as many approved ones, and the event `MODERATION_BYTES_MAX`
bytes of them: they are stored with the event, which every host change rewrites.

`set_filters(event, banned, profanity)`: the event's banned words (normalised,
deduplicated, in the order given) and whether the English profanity filter is on. Both
apply to answers from then on and to results at once: entries counted before a word was
banned leave results (their answers stay counted in `totalVotes`).

Moderation is allowed once the event has ended too: the host may clean up results before
taking the export home. A draft question has nothing to moderate (InvalidState).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Literal

from tohyo.domain import questions, text
from tohyo.domain.event import Event, Question
from tohyo.domain.event_specs import EventPatch
from tohyo.domain.event_transitions import changed, configure_event, find
from tohyo.domain.text_keys import entry_key
from tohyo.domain.validation import issue
from tohyo.errors import InvalidState, ValidationFailed

Action = Literal["hide", "restore", "approve"]
ACTIONS: tuple[Action, ...] = ("hide", "restore", "approve")
MODERATED = ("wordcloud", "text")  # the types whose entries people type

# A key as the API takes it: a card's key is ~24 characters; a word cloud's entry is at
# most 40, and its key at most 18 times that (NFKC spells U+FDFA out in 18 characters), so
# every key results show can be named.
KEY_MAX = 720
KEYS_MAX = 10_000  # hidden keys per question, and approved ones
MODERATION_BYTES_MAX = 1024 * 1024  # of keys, UTF-8, over the event's questions

_CARD_KEY = re.compile(r"[0-9]{1,16}\.[0-9a-f]{1,32}")


@dataclass(frozen=True, slots=True)
class ModerationRequest:
    key: str
    action: Action


def parse_moderation(payload: Any) -> ModerationRequest:
    """`POST …/questions/{id}/moderation`: `{key, action}`, every problem at once."""
    if not isinstance(payload, dict):
        raise ValidationFailed("The body must be a JSON object", [issue("", "must be an object")])
    problems: list[dict[str, str]] = []
    key = payload.get("key")
    if not isinstance(key, str):
        problems.append(issue("key", "must be a string"))
    else:
        key = text.trim(key)  # as every text the API takes (results' keys have no edge space)
        refused = text.refusal(key, KEY_MAX)
        if refused is not None:
            problems.append(issue("key", refused))
    action = payload.get("action")
    if action not in ACTIONS:
        problems.append(issue("action", "must be one of " + ", ".join(ACTIONS)))
    if problems:
        first = problems[0]
        raise ValidationFailed(f"{first['field']} {first['message']}", problems)
    assert isinstance(key, str)
    return ModerationRequest(key, action)  # type: ignore[arg-type]


def moderate(event: Event, question_id: str, key: str, action: Action) -> Event:
    """Hide, restore or approve one entry of a word cloud or open-text question (above)."""
    question = find(event, question_id)
    if question.status == "draft":
        raise InvalidState("A draft question has no entries to moderate")
    if question.type not in MODERATED:
        raise InvalidState(
            "Only word cloud and open text questions have entries to moderate",
            {"type": question.type},
        )
    key = _entry(question, key)
    hidden, approved = question.hidden, question.approved
    if action == "hide":
        hidden = hidden | {key}
    elif action == "restore":
        hidden = hidden - {key}
    else:
        if not _approve_first(question):
            raise InvalidState(
                "Only an open text question whose cards are approved first takes approve;"
                " hide and restore moderate the others"
            )
        approved, hidden = approved | {key}, hidden - {key}
    if hidden == question.hidden and approved == question.approved:
        return event
    if len(hidden) > KEYS_MAX or len(approved) > KEYS_MAX:
        raise InvalidState(
            f"A question keeps at most {KEYS_MAX:,} hidden entries and {KEYS_MAX:,} approved",
            {"limit": KEYS_MAX},
        )
    after = replace(question, hidden=hidden, approved=approved)
    moderated = replace(
        event,
        questions=tuple(after if q.question_id == question_id else q for q in event.questions),
    )
    size = moderation_size(moderated)
    if size > MODERATION_BYTES_MAX:
        raise InvalidState(
            f"An event keeps at most {MODERATION_BYTES_MAX // 1024} KiB of moderated keys;"
            f" this would make it {size:,} bytes",
            {"limit": MODERATION_BYTES_MAX, "size": size},
        )
    return changed(event, moderated)


def moderation_size(event: Event) -> int:
    """The bytes (UTF-8) of every hidden and approved key of the event's questions."""
    return sum(
        len(key.encode())
        for q in event.questions
        for keys in (q.hidden, q.approved)
        for key in keys
    )


def _entry(question: Question, key: str) -> str:
    """The key as the question's entries are keyed: a word cloud's normalised, a card's
    as results name it (anything else names no entry: 409)."""
    if question.type == "wordcloud":
        keyed = entry_key(key)
        if keyed:
            return keyed
    elif _CARD_KEY.fullmatch(key):
        return key
    # The body is well formed (400 is for that): it names no entry this question can have.
    raise InvalidState(
        "The key is not a key of this question's entries (as its results name them)",
        {"key": key[:64]},
    )


def _approve_first(question: Question) -> bool:
    view = questions.kind(question.type).config_view(question.config)
    return bool(view.get("moderation") == "approve")


# --- the event's filters ---------------------------------------------------------------


def set_filters(event: Event, banned: tuple[str, ...] | None, profanity: bool | None) -> Event:
    """The event's banned words (already `parse_banned`'s) and profanity filter, where
    given; the same object when neither changes."""
    after = event
    if banned is not None and banned != event.banned:
        after = replace(after, banned=banned)
    if profanity is not None and profanity != event.profanity_filter:
        after = replace(after, profanity_filter=profanity)
    return event if after is event else changed(event, after)


def apply_event_patch(event: Event, patch: EventPatch) -> Event:
    """`PATCH /api/events/{id}` as one change (one revision on, whatever it names): the
    title and pace while the event is live (`configure_event`), the filters and the Q&A
    mode at any time."""
    after = event
    if patch.title is not None or patch.pace is not None:
        after = configure_event(after, patch.title, patch.pace)
    after = set_filters(after, patch.banned, patch.profanity)
    if patch.qa is not None and patch.qa != after.qa:
        after = replace(after, qa=patch.qa)
    if after is event:
        return event
    return changed(event, replace(after, revision=event.revision, version=event.version))
