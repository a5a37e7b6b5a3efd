"""What hosts and participants send about events, checked: the create body, question
specs, edits, the present and order bodies, deadlines on open and reset.

As for polls: optional fields left out mean "not given", `null` is no value of any field
but `presenting`'s questionId, unknown fields are ignored, and one reply lists every
problem of a body (`details`: field and message each).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tohyo.domain import questions, text
from tohyo.domain.event import PACES, QUESTIONS_MAX, TITLE_MAX, Pace, Question
from tohyo.domain.model import DEFAULT_VISIBILITY, Visibility
from tohyo.domain.qa import QA_MODES
from tohyo.domain.text_keys import entry_key
from tohyo.domain.times import iso
from tohyo.domain.validation import (
    DEADLINE_FIELDS,
    Deadline,
    issue,
    parse_deadline,
    text_field,
    visibility_field,
)
from tohyo.errors import ValidationFailed

# What may change on a question once it has been opened: as a poll's settings.
LIVE_FIELDS = frozenset({"resultsVisibility", "closesAt", "durationSeconds"})


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    type: str
    prompt: str
    config: Any
    visibility: Visibility = DEFAULT_VISIBILITY
    deadline: Deadline | None = None  # applies when the question opens
    allow_change: bool = False  # `allowChange`: a participant may change their answer


@dataclass(frozen=True, slots=True)
class EventDraft:
    title: str
    pace: Pace
    questions: tuple[QuestionSpec, ...]


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise ValidationFailed("The body must be a JSON object", [issue("", "must be an object")])
    return payload


def _raise_first(problems: list[dict[str, str]]) -> None:
    if problems:
        first = problems[0]
        raise ValidationFailed((first["field"] + " " + first["message"]).strip(), problems)


def parse_event(payload: Any) -> EventDraft:
    """`POST /api/events`: `{title, pace?, questions?: [spec…]}`."""
    body = _object(payload)
    problems: list[dict[str, str]] = []
    title = text_field(body.get("title"), "title", TITLE_MAX, problems)
    pace = _pace(body, problems) or "presenter"
    specs: list[QuestionSpec] = []
    raw = body.get("questions", [])
    if not isinstance(raw, list):
        problems.append(issue("questions", "must be a list of question specs"))
    elif len(raw) > QUESTIONS_MAX:
        problems.append(issue("questions", f"must have at most {QUESTIONS_MAX} entries"))
    else:
        for i, item in enumerate(raw):
            spec = _spec(item, f"questions[{i}].", problems)
            if spec is not None:
                specs.append(spec)
    _raise_first(problems)
    assert title is not None
    return EventDraft(title, pace, tuple(specs))


def parse_question(payload: Any) -> QuestionSpec:
    """A question spec: `{type, prompt, choices, resultsVisibility?, closesAt? or
    durationSeconds?}`."""
    problems: list[dict[str, str]] = []
    spec = _spec(payload, "", problems)
    _raise_first(problems)
    assert spec is not None
    return spec


def _spec(payload: Any, prefix: str, problems: list[dict[str, str]]) -> QuestionSpec | None:
    if not isinstance(payload, dict):
        problems.append(issue(prefix.rstrip("."), "must be an object"))
        return None
    before = len(problems)
    own: list[dict[str, str]] = []
    type_name = payload.get("type")
    if type_name not in questions.TYPE_NAMES:
        own.append(issue("type", "must be one of " + ", ".join(questions.TYPE_NAMES)))
    prompt = text_field(payload.get("prompt"), "prompt", text.QUESTION_MAX, own)
    config = None
    if type_name in questions.TYPE_NAMES:
        config = questions.kind(type_name).parse_config(type_name, payload, own)
    visibility = visibility_field(payload, own)
    deadline = None
    try:
        deadline = parse_deadline(payload)
    except ValidationFailed as error:
        own += error.details
    allow_change = payload.get("allowChange", False)
    if not isinstance(allow_change, bool):
        own.append(issue("allowChange", "must be true or false"))
    if isinstance(config, questions.QuizConfig):
        deadline, visibility = _quiz_timing(payload, config, visibility, allow_change, own)
    problems += [issue(prefix + p["field"], p["message"]) for p in own]
    if len(problems) > before:
        return None
    assert prompt is not None
    return QuestionSpec(
        type_name,  # type: ignore[arg-type]
        prompt,
        config,
        visibility or DEFAULT_VISIBILITY,
        deadline,
        allow_change,
    )


def _quiz_timing(
    payload: Mapping[str, Any],
    config: questions.QuizConfig,
    visibility: Visibility | None,
    allow_change: Any,
    problems: list[dict[str, str]],
) -> tuple[Deadline, Visibility]:
    """A quiz's deadline is its time limit, every opening (its points run from the opening
    to the limit); its distribution shows once it closes unless the spec says otherwise
    (while it is open, the picks of others are a hint); and each participant answers once
    (the points are for the first pick: a changed one would restart the clock)."""
    for name in DEADLINE_FIELDS:
        if name in payload:
            problems.append(issue(name, "is not for a quiz: its deadline is its timeLimit"))
    if allow_change is True:
        problems.append(issue("allowChange", "must be false for a quiz: one answer each"))
    return Deadline(seconds=config.time_limit), visibility or "after_close"


def _made_a_quiz(stored: dict[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
    """A draft of another type PATCHed into a quiz: what the old type was planned with
    that a quiz has its own rule for goes — its deadline (a quiz's is its timeLimit), its
    allowChange (one answer each) and, unless the body says, its resultsVisibility (a
    quiz's distribution shows once it closes: `_quiz_timing`)."""
    dropped = {*DEADLINE_FIELDS, "allowChange"}
    if "resultsVisibility" not in body:
        dropped.add("resultsVisibility")
    return {k: v for k, v in stored.items() if k not in dropped}


def spec_fields(question: Question) -> dict[str, Any]:
    """A stored question as the spec that would make it (a PATCH is merged onto this)."""
    kind = questions.kind(question.type)
    view = kind.config_view(question.config)
    if "choices" in view:
        view["choices"] = [{"text": c["text"]} for c in view["choices"]]
        # A ranking of every item is what a spec without rankTop makes: left out, a PATCH
        # of its items keeps "every item" however many there are now.
        if view.get("rankTop") == len(view["choices"]):
            del view["rankTop"]
    fields = {
        "type": question.type,
        "prompt": question.prompt,
        "resultsVisibility": question.visibility,
        "allowChange": question.allow_change,
        **view,
    }
    # A draft's planned deadline is part of its spec: without it, a PATCH of the prompt
    # alone would silently drop the deadline the draft was created with.
    if isinstance(question.config, questions.QuizConfig):
        return fields  # a quiz's deadline is its timeLimit (`_quiz_timing`)
    if question.duration is not None:
        fields["durationSeconds"] = question.duration
    elif question.closes_at is not None:
        fields["closesAt"] = iso(question.closes_at)
    return fields


def parse_question_patch(
    question: Question, payload: Any
) -> tuple[QuestionSpec | None, Visibility | None, Deadline | None]:
    """`PATCH …/questions/{id}`: a draft takes any spec field (merged onto what it has);
    an opened question only takes `resultsVisibility` and a deadline, as polls do.

    Returns the merged spec for a draft, else the visibility and deadline to set."""
    body = _object(payload)
    if question.status == "draft":
        stored = spec_fields(question)
        if any(name in body for name in DEADLINE_FIELDS):  # the body's deadline replaces it
            stored = {k: v for k, v in stored.items() if k not in DEADLINE_FIELDS}
        if body.get("type") == "quiz" and question.type != "quiz":
            stored = _made_a_quiz(stored, body)
        return parse_question({**stored, **body}), None, None
    extra = sorted(set(body) & (set(spec_fields(question)) | {"choices"}) - LIVE_FIELDS)
    if extra:
        from tohyo.errors import InvalidState

        raise InvalidState(
            "Once a question has been opened only resultsVisibility and its deadline can change",
            {"fields": extra},
        )
    problems: list[dict[str, str]] = []
    visibility = visibility_field(body, problems)
    _raise_first(problems)
    deadline = parse_deadline(body)
    if visibility is None and deadline is None:
        raise ValidationFailed(
            "Give resultsVisibility, closesAt or durationSeconds",
            [issue("", "must have one of " + ", ".join(sorted(LIVE_FIELDS)))],
        )
    return None, visibility, deadline


@dataclass(frozen=True, slots=True)
class EventPatch:
    """`PATCH /api/events/{id}`: what it changes (None: not given)."""

    title: str | None = None
    pace: Pace | None = None
    banned: tuple[str, ...] | None = None  # normalised (parse_banned)
    profanity: bool | None = None
    qa: str | None = None  # domain.qa.QA_MODES


PATCH_EVENT_FIELDS = ("title", "pace", "bannedWords", "profanityFilter", "qa")
BANNED_MAX = 200  # an event's banned words
BANNED_WORD_MAX = 40  # characters each, as a word cloud's entry


def parse_event_changes(payload: Any) -> EventPatch:
    """`PATCH /api/events/{id}`: `{title?, pace?, bannedWords?, profanityFilter?, qa?}`,
    at least one; every problem at once."""
    body = _object(payload)
    problems: list[dict[str, str]] = []
    title = text_field(body["title"], "title", TITLE_MAX, problems) if "title" in body else None
    pace = _pace(body, problems)
    banned = parse_banned(body["bannedWords"], problems) if "bannedWords" in body else None
    profanity = body.get("profanityFilter")
    if "profanityFilter" in body and not isinstance(profanity, bool):
        problems.append(issue("profanityFilter", "must be true or false"))
        profanity = None
    qa = body.get("qa")
    if "qa" in body and qa not in QA_MODES:
        problems.append(issue("qa", "must be one of " + ", ".join(QA_MODES)))
        qa = None
    _raise_first(problems)
    if not any(name in body for name in PATCH_EVENT_FIELDS):
        raise ValidationFailed(
            "Give title, pace, bannedWords, profanityFilter or qa",
            [issue("", "must have one of " + ", ".join(PATCH_EVENT_FIELDS))],
        )
    return EventPatch(title, pace, banned, profanity, qa)


def parse_event_patch(payload: Any) -> tuple[str | None, Pace | None]:
    """The title and pace of `parse_event_changes`."""
    patch = parse_event_changes(payload)
    return patch.title, patch.pace


def parse_banned(value: Any, problems: list[dict[str, str]]) -> tuple[str, ...] | None:
    """`bannedWords`: at most 200 strings of 1-40 characters after trimming, one line each;
    kept normalised (`entry_key`), each once, in the order given. Problems are appended."""
    if not isinstance(value, list):
        problems.append(issue("bannedWords", "must be a list of strings"))
        return None
    if len(value) > BANNED_MAX:
        problems.append(issue("bannedWords", f"must have at most {BANNED_MAX} words"))
        return None
    before = len(problems)
    words: dict[str, None] = {}
    for index, raw in enumerate(value):
        field = f"bannedWords[{index}]"
        if not isinstance(raw, str):
            problems.append(issue(field, "must be a string"))
            continue
        refused = text.refusal(text.trim(raw), BANNED_WORD_MAX)
        if refused is not None:
            problems.append(issue(field, refused))
            continue
        word = entry_key(raw)
        if not word:
            problems.append(issue(field, "must not be blank"))
            continue
        words[word] = None
    return tuple(words) if len(problems) == before else None


def parse_present(payload: Any) -> str | None:
    """`POST …/present`: `{questionId}` or `{questionId: null}` for the lobby."""
    body = _object(payload)
    if "questionId" not in body:
        raise ValidationFailed(
            "Give questionId (null for the lobby)", [issue("questionId", "is required")]
        )
    value = body["questionId"]
    if value is not None and not (isinstance(value, str) and 0 < len(value) <= 64):
        raise ValidationFailed(
            "questionId must be a question's id or null",
            [issue("questionId", "must be a string or null")],
        )
    return value


def parse_order(payload: Any) -> tuple[str, ...]:
    """`POST …/order`: `{questionIds: [...]}`, every question of the event once."""
    body = _object(payload)
    ids = body.get("questionIds")
    if (
        not isinstance(ids, list)
        or len(ids) > QUESTIONS_MAX
        or not all(isinstance(i, str) and 0 < len(i) <= 64 for i in ids)
        or len(set(ids)) != len(ids)
    ):
        raise ValidationFailed(
            "questionIds must list the event's question ids, each once",
            [issue("questionIds", "must be a list of distinct question ids")],
        )
    return tuple(ids)


def parse_opening(payload: Any) -> Deadline | None:
    """The optional body of open and reset: a deadline for this opening."""
    if payload is None:
        return None
    return parse_deadline(dict(_object(payload)))


def _pace(body: Mapping[str, Any], problems: list[dict[str, str]]) -> Pace | None:
    if "pace" not in body:
        return None
    pace = body["pace"]
    if pace not in PACES:
        problems.append(issue("pace", "must be one of " + ", ".join(PACES)))
        return None
    return pace  # type: ignore[no-any-return]
