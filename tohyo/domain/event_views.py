"""What a viewer may see of an event: the whole event (`event_view`: `GET
/api/events/{id}`, the host's stream and pages, the exports), and what a phone shows
(`phone_view`: a participant's stream frames and the phone page drawn before it).

A participant never sees drafts, and sees a question's results as its visibility allows
(the polls' four modes). The counters (`version`, `revision`) are the host's alone: see
`event_view`.

A phone's frame goes to every phone in the hall, again with every change it shows, so it
carries only the questions the phone shows (`on_phones`): in presenter pace the presented
one, in audience pace every open one (and the presented one), and once the event has ended
every question (no answer comes any more; frames are rare). The other questions are left
out altogether — no index of them: the phone never draws one, and an entry per question
would grow every frame with the event and send every phone a frame whenever a question it
does not show opened or closed. (The whole event is one `GET /api/events/{id}` away.) A
shown question's `position` is still its place among every question participants see.

Viewers shown the same frame share one render (`audience`): for a phone, whether it has
answered the current round of each shown question whose view turns on that (`answer_shown`)
— so in presenter pace there are two audiences at most, whatever else anyone answered.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Hashable, Mapping
from typing import Any

from tohyo.domain import questions
from tohyo.domain.event import Event, Question, RoundKey
from tohyo.domain.questions import ResultsContext, Tally
from tohyo.domain.times import iso

Answered = Collection[RoundKey]  # the (question, round) pairs a participant has answered


def can_see_results(question: Question, *, host: bool, answered: bool) -> bool:
    if host:
        return True
    visibility = question.visibility
    if visibility == "always":
        return True
    if visibility == "after_vote":
        return answered
    if visibility == "after_close":
        return question.status == "closed"
    return False


def visible(event: Event, *, host: bool) -> tuple[Question, ...]:
    return event.questions if host else tuple(q for q in event.questions if q.status != "draft")


def question_view(
    event: Event,
    question: Question,
    *,
    host: bool,
    answered: Answered,
    position: int,
    answered_flag: bool = True,
) -> dict[str, Any]:
    """`answered_flag`: whether a participant's view says if they answered the current round
    (a phone's view leaves it out where it shows nothing: `answer_shown`)."""
    kind = questions.kind(question.type)
    mine = (question.question_id, question.round) in answered
    view: dict[str, Any] = {
        "questionId": question.question_id,
        "position": position,
        "type": question.type,
        "prompt": question.prompt,
        **kind.config_view(question.config),
        "status": question.status,
        "round": question.round,
        "resultsVisibility": question.visibility,
        "allowChange": question.allow_change,
    }
    for name, ms in (
        ("closesAt", question.closes_at),
        ("openedAt", question.opened_at),
        ("closedAt", question.closed_at),
    ):
        if ms is not None:
            view[name] = iso(ms)
    if question.duration is not None:
        view["durationSeconds"] = question.duration  # each opening lasts this long
    if isinstance(question.config, questions.QuizConfig):
        # Not the spec's (it follows from `correct`), but a phone must know it before
        # `correct` is shown: whether to pick one choice or several.
        view["multiple"] = question.config.choice.multiple
    if not host and question.status != "closed":
        for name in kind.sealed:  # a quiz's right answers, until the question closes
            del view[name]
    if not host and answered_flag:
        view["answered"] = mine
    if can_see_results(question, host=host, answered=mine):
        context = results_context(event, question, host=host)
        view["results"] = shown_results(question, event.tally(question), context)
    return view


# The last results computed, by what they are computed from. Every GET of an event, every
# host frame and every phone frame piece reads its questions' results, and a word cloud's
# or a wall's take milliseconds (thousands of entries, and the layout): computed once per
# tally and context, they are shared by every reader until an answer or a moderation
# changes them. Keyed by identity — a Tally, a config and a context are immutable and
# replaced, never changed — and holding them, so an id is never reused while cached.
_RESULTS_KEPT = 512
_results: OrderedDict[tuple[int, int, ResultsContext], tuple[Any, Any, dict[str, Any]]] = (
    OrderedDict()
)


def shown_results(question: Question, tally: Tally, context: ResultsContext) -> dict[str, Any]:
    """`results` of the question's type, the same dict for the same inputs (read it only)."""
    key = (id(tally), id(question.config), context)
    hit = _results.get(key)
    if hit is not None and hit[0] is tally and hit[1] is question.config:
        _results.move_to_end(key)
        return hit[2]
    results = questions.kind(question.type).results(question.config, tally, context)
    _results[key] = (tally, question.config, results)
    if len(_results) > _RESULTS_KEPT:
        _results.popitem(last=False)
    return results


def results_context(
    event: Event, question: Question, *, host: bool, full: bool = False, closed: bool | None = None
) -> ResultsContext:
    """The moderation `question`'s results are shown under, to the host or to everyone
    else; `closed` for a round other than the current one (it is over)."""
    return ResultsContext(
        host=host,
        closed=question.status == "closed" if closed is None else closed,
        full=full,
        hidden=question.hidden,
        approved=question.approved,
        filters=event.filters(),
    )


def event_view(event: Event, *, host: bool, answered: Answered = ()) -> dict[str, Any]:
    """The whole event as this viewer may see it: every question but, for a participant,
    the drafts."""
    shown = visible(event, host=host)
    views = [
        question_view(event, q, host=host, answered=answered, position=i)
        for i, q in enumerate(shown, start=1)
    ]
    return _framed(event, views, host=host)


def on_phones(event: Event) -> list[tuple[int, Question]]:
    """The questions a phone shows, each with its position among those participants see."""
    public = enumerate(visible(event, host=False), start=1)
    if event.status == "ended":
        return list(public)  # the last results, every one
    audience_pace = event.pace == "audience"
    return [
        (position, q)
        for position, q in public
        if q.question_id == event.presenting or (audience_pace and q.status == "open")
    ]


def answer_shown(question: Question) -> bool:
    """Whether a shown question's view turns on the participant's answer to its current
    round: while it is open (the phone offers the form or says it was answered), and
    wherever the results show after one's own answer. A closed question's form is gone,
    and its results show or not whoever looks."""
    return question.status == "open" or question.visibility == "after_vote"


def phone_question_view(
    event: Event, question: Question, position: int, *, mine: bool
) -> dict[str, Any]:
    """One question as a phone shows it, `mine` whether the participant answered its
    current round: the same for every phone that says the same (the feed renders each
    question's two views once per version, and puts each phone's frame together from
    them)."""
    answered = ((question.question_id, question.round),) if mine else ()
    return question_view(
        event,
        question,
        host=False,
        answered=answered,
        position=position,
        answered_flag=answer_shown(question),
    )


def phone_view(
    event: Event, answered: Answered = (), sent: Mapping[RoundKey, Any] | None = None
) -> dict[str, Any]:
    """What a participant's phone shows: the event's frame with only `on_phones` questions
    in it, each flagged `answered` where that shows (`answer_shown`). `sent`: this
    participant's own answers by round (`EventStore.answers_of`), for the page drawn for
    them alone: each shown question answered in its current round says what they sent
    (`myAnswer`, as they sent it). Never in a frame, which other phones share."""
    views = []
    for position, q in on_phones(event):
        view = phone_question_view(event, q, position, mine=(q.question_id, q.round) in answered)
        if sent and (q.question_id, q.round) in sent:
            view = {**view, "myAnswer": sent_body(q, sent[(q.question_id, q.round)])}
        views.append(view)
    return _framed(event, views, host=False)


def sent_body(question: Question, answer: Any) -> dict[str, Any]:
    """A stored answer as the body that sends it (what the phone's control is filled
    with): the inverse of the type's `parse_answer`, whose canonical answers are the
    body's one field (a scale without statements: its one value)."""
    kind = question.type
    if kind == "scale":
        return {"values": answer} if question.config.statements else {"value": answer[0]}
    field = {"ranking": "ranking", "wordcloud": "entries", "text": "text"}.get(kind, "choiceIds")
    return {field: answer}


def phone_fields(event: Event) -> dict[str, Any]:
    """A phone's frame but its questions: what every phone is shown alike."""
    view = _framed(event, [], host=False)
    del view["questions"]
    return view


def _framed(event: Event, views: list[dict[str, Any]], *, host: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "eventId": event.event_id,
        "title": event.title,
        "status": event.status,
        "pace": event.pace,
        "presenting": event.presenting,
        "createdAt": iso(event.created_at),
        "expiresAt": iso(event.expires_at),
        "questions": views,
    }
    if event.code:
        view["code"] = event.code
    if event.ended_at is not None:
        view["endedAt"] = iso(event.ended_at)
    if event.qa != "off":
        view["qa"] = event.qa  # phones show the Q&A tab only then
    if host:
        # Both counters stay with the host. The version counts every answer of every
        # round, so a participant shown it could work out counts they may not see (an
        # earlier round's, a hidden question's); the revision moves with every edit of
        # a draft, so showing it would send every phone a frame that says nothing.
        view["revision"] = event.revision
        view["version"] = event.version
        # The filters are the host's to edit; a phone is told only that an entry was
        # refused (a list of banned words shown to the room would be a list to dodge).
        view["bannedWords"] = list(event.banned)
        view["profanityFilter"] = event.profanity_filter
    return view


def audience_rounds(event: Event) -> tuple[RoundKey, ...]:
    """The current rounds whose answer changes what a phone shows (`answer_shown`)."""
    return tuple((q.question_id, q.round) for _, q in on_phones(event) if answer_shown(q))


def audience(
    event: Event,
    *,
    host: bool,
    answered: Answered,
    rounds: Collection[RoundKey] | None = None,
) -> Hashable:
    """Viewers with the same audience are sent the same frame (`event_view` for the host,
    `phone_view` for a participant): the host, or the participants who have answered the
    same of `audience_rounds` (`rounds`, if given: those of `event`, worked out once for
    the many phones of one version)."""
    if host:
        return True
    keyed = audience_rounds(event) if rounds is None else rounds
    return frozenset(key for key in keyed if key in answered)
