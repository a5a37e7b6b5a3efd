"""An event's exports: the whole event as JSON or CSV (host only; the JSON with its audience
Q&A, which has a CSV of its own, `…/qa/export`); one question as JSON or
CSV (host only, every round), or one round of it as a PNG or SVG picture (the host, or a
participant who may see its results).

The charts are the polls' own (`tohyo.charts` through `ChartExports`, off the event loop
and cached): a question's round is handed to them as the one-question session they draw
(`event_export.question_session`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from tohyo import charts, event_export
from tohyo.domain import event_transitions as transitions
from tohyo.domain.event import Event, Question
from tohyo.domain.event_views import Answered, can_see_results
from tohyo.domain.times import iso
from tohyo.errors import InvalidParameter, NotFound, ResultsHidden
from tohyo.event_export.qa_entries import qa_to_csv, qa_to_json
from tohyo.web import i18n
from tohyo.web.event_requests import EventRoute, caller, hosted
from tohyo.web.http import BASE_HEADERS, Request, Send, send_bytes, send_json

if TYPE_CHECKING:
    from tohyo.web.api import Context

EVENT_FORMATS = ("json", "csv")
PICTURE_FORMATS: tuple[Literal["png", "svg"], ...] = ("png", "svg")
QuestionFormat = Literal["png", "svg", "json", "csv"]
QUESTION_FORMATS: tuple[QuestionFormat, ...] = (*PICTURE_FORMATS, "json", "csv")
T = TypeVar("T", bound=str)
R = TypeVar("R")
ROUND_DIGITS = 6  # a round number longer than this names no round (and is never parsed)


async def export_event(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`GET /api/events/{id}/export?format=json|csv&lang=en|ja`: every question, drafts
    too, every round with its results; the host's only (it lists drafts)."""
    query = request.query()
    fmt = _choice(query, "format", EVENT_FORMATS, "json")
    lang = _language(query)
    event = await hosted(ctx, request, at.event_id)
    # Read after the event: every answer of its rounds is among them (and any since, which
    # each round's results count too: they are recounted from the answers listed).
    responses = await ctx.objects.events.store.responses(at.event_id)
    names = await _nicknames(ctx, event, event.questions)
    if fmt == "json":
        now = ctx.objects.clock()
        exported = await _off_loop(event_export.to_json, event, responses, now, names)
        board = await ctx.objects.qa.entries(at.event_id)
        if board.entries or event.qa != "off":
            exported["qa"] = qa_to_json(board, event.qa)
        await send_json(send, 200, exported)
        return
    # The pages' rule: ?lang=, else the browser's Accept-Language (q-values), else English.
    lang = i18n.negotiate(lang, None, request.header(b"accept-language"))
    body = await _off_loop(event_export.to_csv, event, responses, lang, None, names)
    await _download(send, body, b"text/csv; charset=utf-8", f"tohyo-event-{at.event_id}.csv")


async def export_qa(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`GET /api/events/{id}/qa/export?format=json|csv&lang=en|ja`: every audience question,
    hidden and pending ones too, with upvotes, status and times; the host's only."""
    query = request.query()
    fmt = _choice(query, "format", EVENT_FORMATS, "json")
    lang = _language(query)
    event = await hosted(ctx, request, at.event_id)
    board = await ctx.objects.qa.entries(at.event_id)
    if fmt == "json":
        exported = {"eventId": event.event_id, **qa_to_json(board, event.qa)}
        await send_json(send, 200, {**exported, "exportedAt": iso(ctx.objects.clock())})
        return
    lang = i18n.negotiate(lang, None, request.header(b"accept-language"))
    body = await _off_loop(qa_to_csv, board, lang)
    await _download(send, body, b"text/csv; charset=utf-8", f"tohyo-qa-{at.event_id}.csv")


async def export_question(ctx: Context, request: Request, at: EventRoute, send: Send) -> None:
    """`GET …/questions/{qid}/export?format=png|svg&round=N&chart=bar|pie&lang&width&height`:
    the round's picture (the current round by default); `format=json|csv&lang`: the
    question as the whole export has it, every round (the host's only, as that is)."""
    query = request.query()
    fmt = _choice(query, "format", QUESTION_FORMATS, "png")
    # The picture's parameters are checked whatever the format, as the schema has them: a
    # malformed one is 400 even where JSON and CSV have no use for it.
    kind = _choice(query, "chart", charts.CHARTS, "bar")
    lang = _language(query)
    width = _number(query, "width", charts.SIZE_DEFAULT[0], charts.WIDTH_RANGE)
    height = _number(query, "height", charts.SIZE_DEFAULT[1], charts.HEIGHT_RANGE)
    asked_round = _number(query, "round", 0, (1, 10**ROUND_DIGITS - 1))
    if fmt == "json" or fmt == "csv":
        await _export_one(ctx, request, at, send, fmt)
        return
    seen = await caller(ctx, request, at.event_id)
    question = seen.event.question(at.question_id)
    if question is None or (question.status == "draft" and not seen.host):
        raise NotFound("No such question in this event")  # participants never see drafts
    round_ = asked_round or question.round
    if round_ > question.round:
        raise NotFound(f"This question has had {question.round} round(s)")
    if not can_see_round(question, round_, host=seen.host, answered=seen.answered):
        raise ResultsHidden()
    lang = i18n.negotiate(lang, None, request.header(b"accept-language"))
    if event_export.charted(question):
        session = event_export.question_session(seen.event, question, round_)
        picture = await ctx.charts.picture(
            session,
            fmt=fmt,
            kind=kind,
            lang=lang,
            width=width,
            height=height,
            now=ctx.objects.clock(),
        )
        drawn = f"round{round_}.{kind}.{fmt}"
    elif charts.pictured(question.type):
        typed = event_export.typed_round(seen.event, question, round_)
        picture = await _typed_picture(ctx, typed, fmt, lang, (width, height))
        drawn = f"round{round_}.{fmt}"
    else:
        raise InvalidParameter("This question type has no chart")
    media = b"image/svg+xml" if fmt == "svg" else b"image/png"
    await _download(send, picture, media, f"tohyo-{at.event_id}-{at.question_id}-{drawn}")


async def _typed_picture(
    ctx: Context,
    typed: event_export.TypedRound,
    fmt: Literal["png", "svg"],
    lang: str,
    size: tuple[int, int],
) -> bytes:
    """A typed question's round drawn on the chart pool, cached by what it shows (its
    version), as a choice round's chart is."""
    shown = charts.QuestionPicture(
        prompt=typed.prompt,
        type=typed.type,
        config=typed.config,
        results=typed.results,
        open=typed.open,
        round=typed.round,
    )
    width, height = size
    draw = partial(charts.render_question, shown, fmt=fmt, lang=lang, width=width, height=height)
    key = (typed.picture_id, typed.version, fmt, typed.type, lang, width, height)
    return await ctx.charts.drawn(key, draw)


async def _export_one(ctx: Context, request: Request, at: EventRoute, send: Send, fmt: str) -> None:
    lang = _language(request.query())
    event = await hosted(ctx, request, at.event_id)
    question = event.question(at.question_id)
    if question is None:
        raise NotFound("No such question in this event")
    # Read after the event, as the whole export's (every answer of its rounds is there).
    responses = await ctx.objects.events.store.responses(at.event_id)
    mine = [r for r in responses if r.question_id == at.question_id]
    names = await _nicknames(ctx, event, [question])
    if fmt == "json":
        now = ctx.objects.clock()
        one = await _off_loop(
            event_export.question_to_json, event, at.question_id, mine, now, names
        )
        await send_json(send, 200, one)
        return
    lang = i18n.negotiate(lang, None, request.header(b"accept-language"))
    body = await _off_loop(event_export.to_csv, event, mine, lang, at.question_id, names)
    name = f"tohyo-{at.event_id}-{at.question_id}.csv"
    await _download(send, body, b"text/csv; charset=utf-8", name)


async def _nicknames(
    ctx: Context, event: Event, exported: Iterable[Question]
) -> Mapping[bytes, str]:
    """The players' nicknames where a quiz is exported (only a quiz's answers show them),
    read after the answers: a player's name is fixed by their first quiz answer, so every
    answer listed is shown under the name its player had when it was given."""
    if not any(transitions.timed(q) for q in exported):
        return {}
    return await ctx.objects.events.store.nicknames(event.event_id)


async def _off_loop(build: Callable[..., R], *args: Any) -> R:
    """An export built on a worker thread: a word cloud of 10,000 phones' answers takes
    ~0.1 s to recount and list, which the loop spends on answers and streams meanwhile."""
    return await asyncio.to_thread(build, *args)


def can_see_round(question: Question, round_: int, *, host: bool, answered: Answered) -> bool:
    """Whether a viewer may see one round's results: the current round as the question's
    visibility says, an earlier one as if closed (it is over), each by whether this viewer
    answered in that round."""
    shown = question if round_ == question.round else replace(question, status="closed")
    mine = (question.question_id, round_) in answered
    return can_see_results(shown, host=host, answered=mine)


async def _download(send: Send, body: bytes, media: bytes, name: str) -> None:
    headers = [
        (b"content-type", media),
        (b"content-disposition", f'attachment; filename="{name}"'.encode()),
        *BASE_HEADERS,
    ]
    await send_bytes(send, 200, body, headers)


def _choice(query: dict[str, str], name: str, allowed: tuple[T, ...], default: T) -> T:
    value = query.get(name, default)
    for option in allowed:
        if value == option:
            return option
    raise InvalidParameter(f"{name} must be one of {', '.join(allowed)}", {name: list(allowed)})


def _language(query: dict[str, str]) -> str | None:
    lang = query.get("lang")
    if lang is not None and lang not in event_export.LANGUAGES:
        raise InvalidParameter("lang must be en or ja", {"lang": list(event_export.LANGUAGES)})
    return lang


def _number(query: dict[str, str], name: str, default: int, bounds: tuple[int, int]) -> int:
    """A whole number in `bounds`, checked as text first (int() of a long string is slow)."""
    raw = query.get(name)
    if raw is None:
        return default
    low, high = bounds
    digits = len(str(high))
    if not (raw.isascii() and raw.isdigit() and len(raw) <= digits and low <= int(raw) <= high):
        raise InvalidParameter(
            f"{name} must be a whole number from {low} to {high}", {name: [low, high]}
        )
    return int(raw)
