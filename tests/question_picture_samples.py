"""Pictures of each typed question for tests/test_question_pictures*.py: hand-made, in the
results' shapes the API shows (the contract of issue 14) — English, Japanese, hostile
text, no answers yet — and real, counted by each type's own module (`picture_of`)."""

from __future__ import annotations

import itertools
from typing import Any

from tohyo.charts import QuestionPicture
from tohyo.domain.questions import EMPTY, NO_FILTERS, AnswerContext, ResultsContext, kind

HOSTILE = "<script>alert('x')</script> & \"quoted\""

CLOUD: list[dict[str, Any]] = [
    {
        "key": "ramen",
        "text": "Ramen",
        "count": 9,
        "size": 96,
        "x": 300,
        "y": 240,
        "width": 330,
        "height": 120,
    },
    {
        "key": "すし",
        "text": "すし",
        "count": 5,
        "size": 64,
        "x": 80,
        "y": 100,
        "width": 140,
        "height": 80,
    },
    {
        "key": "curry rice",
        "text": "Curry rice",
        "count": 3,
        "size": 40,
        "x": 640,
        "y": 120,
        "width": 220,
        "height": 50,
    },
    {
        "key": "天ぷらそば",
        "text": "天ぷらそば",
        "count": 1,
        "size": 24,
        "x": 100,
        "y": 480,
        "width": 130,
        "height": 30,
    },
]


def wordcloud(
    cloud: list[dict[str, Any]] | None = None, prompt: str = "Favourite food?"
) -> QuestionPicture:
    cloud = CLOUD if cloud is None else cloud
    entries = [{"key": w["key"], "text": w["text"], "count": w["count"]} for w in cloud]
    results = {
        "totalVotes": 12 if cloud else 0,
        "entryCount": sum(w["count"] for w in cloud),
        "distinct": len(cloud),
        "entries": entries,
        "cloud": cloud,
    }
    return QuestionPicture(prompt, "wordcloud", {"maxEntries": 3}, results, True, 1)


def text(
    cards: list[dict[str, Any]] | None = None, prompt: str = "Any comments?"
) -> QuestionPicture:
    if cards is None:
        cards = [
            {"key": "3.c", "text": "Great talk,\nthanks!", "at": "2024-05-01T10:03:00.000Z"},
            {
                "key": "2.b",
                "text": "とても良かったです。次回もぜひ参加したいです。",
                "at": "2024-05-01T10:02:00.000Z",
            },
            {"key": "1.a", "text": "More examples, please.", "at": "2024-05-01T10:01:00.000Z"},
        ]
    results = {"totalVotes": len(cards), "shown": len(cards), "cards": cards}
    return QuestionPicture(prompt, "text", {"moderation": "none"}, results, True, 1)


def scale(
    counts: list[list[int]] | None = None,
    statements: list[str] | None = None,
    labels: dict[str, str] | None = None,
    prompt: str = "How satisfied are you?",
    points: int = 5,
) -> QuestionPicture:
    statements = ["The talk", "The venue"] if statements is None else statements
    rows = (
        counts
        if counts is not None
        else [[0, 1, 2, 5, 2], [3, 3, 1, 0, 0]][: max(1, len(statements))]
    )
    labels = {"low": "Not at all", "high": "Completely"} if labels is None else labels
    config = {
        "points": points,
        "labels": labels or None,
        "statements": [{"statementId": str(i), "text": t} for i, t in enumerate(statements, 1)],
    }
    results = {
        "totalVotes": max((sum(r) for r in rows), default=0),
        "statements": [
            {
                "statementId": str(i),
                "counts": r,
                "answers": sum(r),
                "mean": _mean(r),
            }
            for i, r in enumerate(rows, 1)
        ],
    }
    return QuestionPicture(prompt, "scale", config, results, False, 1)


def _mean(counts: list[int]) -> float | None:
    n = sum(counts)
    if not n:
        return None
    return round(sum(v * c for v, c in enumerate(counts, 1)) / n + 1e-9, 1)


def ranking(
    texts: list[str] | None = None,
    points: list[int] | None = None,
    answers: int = 10,
    runoff: dict[str, Any] | None = None,
    prompt: str = "Order these",
) -> QuestionPicture:
    texts = ["Price", "Quality", "Support", "Speed"] if texts is None else texts
    points = [25, 33, 25, 17] if points is None else points
    choices = [{"choiceId": str(i), "text": t} for i, t in enumerate(texts, 1)]
    order = sorted(range(len(texts)), key=lambda i: (-points[i], i))
    items = [
        {
            "choiceId": str(i + 1),
            "points": points[i],
            "meanScore": round(points[i] / answers, 2) if answers else 0,
            "firstPlaces": 0,
        }
        for i in order
    ]
    results: dict[str, Any] = {"totalVotes": answers, "items": items}
    if runoff is not None:
        results["runoff"] = runoff
    return QuestionPicture(
        prompt, "ranking", {"choices": choices, "rankTop": len(texts)}, results, False, 1
    )


def picture_of(
    spec: dict[str, Any],
    bodies: list[Any],
    *,
    closed: bool = False,
    hidden: frozenset[str] = frozenset(),
    approved: frozenset[str] = frozenset(),
) -> QuestionPicture:
    """A round's picture from a spec and answers, through the type's own module: answer n
    comes at 1000 + n ms with tag n (a text card's key `f"{1000 + n}.{n:010x}"`), and
    the results are the public ones under the host's `hidden` and `approved`."""
    qtype = kind(spec["type"])
    problems: list[dict[str, str]] = []
    config = qtype.parse_config(spec["type"], spec, problems)
    assert problems == []
    tally = EMPTY
    for n, body in enumerate(bodies):
        answer = qtype.parse_answer(config, body, NO_FILTERS)
        tally = tally.add(qtype.increments(config, answer, AnswerContext(1000 + n, f"{n:010x}")))
    context = ResultsContext(closed=closed, hidden=hidden, approved=approved)
    results = qtype.results(config, tally, context)
    return QuestionPicture(
        spec["prompt"], spec["type"], qtype.config_view(config), results, not closed, 1
    )


FOODS = ["ラーメン", "寿司", "カレーライス", "Ramen", "pizza", "天ぷら", "うどん", "焼き鳥"]


def wordcloud_answers(participants: int) -> list[Any]:
    spread = itertools.cycle(FOODS)
    return [
        {"entries": [next(spread) for _ in range(1 + n % 3)] + [f"word {n % 17}"]}
        for n in range(participants)
    ]


def every_type() -> dict[str, QuestionPicture]:
    return {"wordcloud": wordcloud(), "text": text(), "scale": scale(), "ranking": ranking()}


def japanese() -> dict[str, QuestionPicture]:
    return {
        "wordcloud": wordcloud(prompt="好きな食べ物は？"),
        "text": text(
            [
                {
                    "key": "1.a",
                    "text": "「発表」がとても分かりやすかったです。\n質問：資料は共有されますか？",
                    "at": "2024-05-01T10:01:00Z",
                }
            ],
            prompt="ご意見・ご感想をどうぞ",
        ),
        "scale": scale(
            statements=["発表の内容", "会場の雰囲気（音響・照明）"],
            labels={"low": "まったくそう思わない", "high": "とてもそう思う"},
            prompt="満足度を教えてください",
        ),
        "ranking": ranking(
            ["価格", "品質", "サポート体制", "速さ"],
            runoff={
                "winner": "2",
                "rounds": [{"counts": {"2": 6, "1": 4}, "eliminated": [], "exhausted": 0}],
            },
            prompt="優先順位をつけてください",
        ),
    }


def no_answers() -> dict[str, QuestionPicture]:
    return {
        "wordcloud": wordcloud([]),
        "text": text([]),
        "scale": QuestionPicture(
            "Rate it",
            "scale",
            {"points": 7, "labels": None, "statements": []},
            {
                "totalVotes": 0,
                "statements": [{"statementId": "1", "counts": [0] * 7, "answers": 0, "mean": None}],
            },
            True,
            1,
        ),
        "ranking": QuestionPicture(
            "Order these",
            "ranking",
            {
                "choices": [{"choiceId": "1", "text": "A"}, {"choiceId": "2", "text": "B"}],
                "rankTop": 2,
            },
            {"totalVotes": 0, "items": []},
            True,
            1,
        ),
    }


def hostile() -> dict[str, QuestionPicture]:
    word = {
        "key": "x",
        "text": HOSTILE[:40],
        "count": 2,
        "size": 30,
        "x": 100,
        "y": 100,
        "width": 600,
        "height": 40,
    }
    return {
        "wordcloud": wordcloud([word], prompt=HOSTILE),
        "text": text(
            [{"key": "1.a", "text": HOSTILE, "at": "2024-05-01T10:01:00Z"}], prompt=HOSTILE
        ),
        "scale": scale(
            [[1, 0, 0, 0, 1]], [HOSTILE], {"low": "<b>low</b>", "high": "&high;"}, HOSTILE
        ),
        "ranking": ranking([HOSTILE, "& other"], [3, 3], 2, prompt=HOSTILE),
    }
