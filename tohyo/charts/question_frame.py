"""What every question type's picture shares: the question as the type's module sees it
(`QuestionPicture`), the words it prints in English and Japanese, and the frame — the
title (the prompt) and the status line (answers, open or closed, the round) above the area
where the type draws its results (`Area`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tohyo.charts.layout import HEIGHT_RANGE, MUTED, WIDTH_RANGE, Picture, Text, titled, wrap
from tohyo.domain.text import displayable


@dataclass(frozen=True)
class QuestionPicture:
    """One round of a question, as the API shows it, for a picture: its prompt, its type's
    name, its config view and its results (the public ones: no hidden entries or cards),
    and whether that round is open and which it is. The number of answers is the results'
    `totalVotes` — for open text, the cards shown (`shown`): a picture is shown to the
    room, which counts the cards it sees, as presenter mode and the phones do."""

    prompt: str
    type: str  # "wordcloud" | "text" | "scale" | "ranking"
    config: Mapping[str, Any]
    results: Mapping[str, Any]
    open: bool = False
    round: int = 1

    @property
    def answers(self) -> int:
        shown = self.results.get("shown")
        if self.type == "text" and isinstance(shown, int):
            return shown
        return int(self.results.get("totalVotes") or 0)


WORDS: dict[str, dict[str, str]] = {
    "en": {
        "answer": "{n} answer",
        "answers": "{n} answers",
        "open": "Answers open",
        "closed": "Answers closed",
        "round": "Round {n}",
        "no_answers": "No answers yet",
        "distinct": "{n} different entries",
        "distinct_one": "1 entry",
        "newest": "The newest {shown} of {n}",
        "mean": "Mean",
        "no_mean": "–",
        "points": "{n} pts",
        "mean_scale": "Bars: mean score (a full bar is {n}, first place on every ballot)",
        "winner": "Instant-runoff winner: {text}",
        "winner_rounds": "Instant-runoff winner: {text} (after {n} rounds)",
        "no_winner": "Instant runoff: no winner",
    },
    "ja": {
        "answer": "{n}件の回答",
        "answers": "{n}件の回答",
        "open": "回答受付中",
        "closed": "締め切り済み",
        "round": "第{n}回",
        "no_answers": "まだ回答はありません",
        "distinct": "{n}種類の言葉",
        "distinct_one": "1種類の言葉",
        "newest": "新しい順に{shown}件（全{n}件）",
        "mean": "平均",
        "no_mean": "–",
        "points": "{n}点",
        "mean_scale": "棒：平均得点（満点{n}点＝全員が1位に選んだ場合）",
        "winner": "即時決選投票の勝者：{text}",
        "winner_rounds": "即時決選投票の勝者：{text}（{n}回目で決定）",
        "no_winner": "即時決選投票：勝者なし",
    },
}


@dataclass(frozen=True)
class Area:
    """Where a type draws its results, and the picture's scale (1 at 1280×720)."""

    left: float
    top: float
    width: float
    height: float
    unit: float

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def right(self) -> float:
        return self.left + self.width


Notes = Callable[[QuestionPicture, dict[str, str], Area], Sequence[str]]


def frame(
    picture: QuestionPicture, words: dict[str, str], width: int, height: int, notes: Notes
) -> tuple[Picture, Area]:
    """The picture's title and status line, and the area left for the results. The
    status line ends with the type's `notes` of what it shows, which may depend on the
    area (how many cards fit)."""
    if not (WIDTH_RANGE[0] <= width <= WIDTH_RANGE[1]):
        raise ValueError(f"width must be {WIDTH_RANGE[0]}-{WIDTH_RANGE[1]}")
    if not (HEIGHT_RANGE[0] <= height <= HEIGHT_RANGE[1]):
        raise ValueError(f"height must be {HEIGHT_RANGE[0]}-{HEIGHT_RANGE[1]}")
    pic, unit, margin, y = titled(displayable(picture.prompt), width, height)
    inner = width - 2 * margin

    info_size = max(11, round(22 * unit))
    n = picture.answers
    parts = [
        words["answer" if n == 1 else "answers"].format(n=f"{n:,}"),
        words["open" if picture.open else "closed"],
    ]
    if picture.round > 1:  # a question never reset has one round: no need to say so
        parts.append(words["round"].format(n=picture.round))
    y += info_size * 1.8
    line_h = info_size * 1.3
    # The notes may depend on the area, and the area on how many lines the status takes
    # (two at most, on a narrow picture): measured for one line, then again if it wraps.
    area = _below(margin, y + info_size * 1.4, inner, height, unit)
    status = wrap(
        "  ·  ".join([*parts, *notes(picture, words, area)]), info_size, "regular", inner, 2
    )
    if len(status) > 1:
        area = _below(margin, y + line_h + info_size * 1.4, inner, height, unit)
        status = wrap(
            "  ·  ".join([*parts, *notes(picture, words, area)]), info_size, "regular", inner, 2
        )
    for k, line in enumerate(status):
        pic.shapes.append(Text(margin, y + k * line_h, line, info_size, color=MUTED))
    return pic, area


def _below(margin: float, top: float, inner: float, height: int, unit: float) -> Area:
    return Area(margin, top, inner, height - margin - top, unit)


def empty_note(pic: Picture, area: Area, words: dict[str, str]) -> None:
    """ "No answers yet", in the middle of the results' area."""
    size = max(12, round(30 * area.unit))
    middle = area.left + area.width / 2
    baseline = area.top + area.height / 2 + size * 0.35
    pic.shapes.append(
        Text(middle, baseline, words["no_answers"], size, color=MUTED, anchor="middle")
    )


def shown_text(text: object) -> str:
    """User text as a picture may lay it out: one line of printable characters."""
    return displayable(str(text))
