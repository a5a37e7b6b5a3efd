"""An event's results as files: JSON (every question, every round, every answer) and CSV
(one row per question, round and item), of the whole event or one question; and a choice
question's round as the `Session` the poll charts draw.

What a host takes home after the room has gone: drafts too (marked by their status), each
round with when it opened and its results, and in JSON the answers of each round with when
they were given (and what each means for the typed question types). Never who gave them:
a participant key links one person's answers across questions, so it stays in storage;
an open-text card's key (its time and a tag of whose it is within the question) is the
one trace, and results show it already. A quiz is the exception the room agreed to: its
answers carry their player's nickname, the name they chose for the leaderboard (none for
one who gave none), with their scores, and the event its final ranking.

Each round's results are counted from the answers the export lists, through the question's
type, as the live tally counts them: the event is read before its answers are, and answers
that land in between (a shared store's reads are not one snapshot) are then listed and
counted alike. Once answers stop, the recount is the live tally.

    rounds         which rounds, their answers in order, each round's results recounted
    answers        an answer as the JSON lists it, type by type
    as_json        the JSON export
    csv_rows       a round's CSV rows, type by type (the columns' meaning per type)
    as_csv         the CSV export
    choice_charts  a choice question's round for the poll charts
    typed_pictures a typed question's round for its picture
    quiz_scores    a quiz's answers' scores and nicknames, and the event's final ranking
"""

from __future__ import annotations

from tohyo.event_export.as_csv import HEADERS, LANGUAGES, QUIZ_HEADERS, TYPED_HEADERS, to_csv
from tohyo.event_export.as_json import question_entry, question_to_json, to_json
from tohyo.event_export.choice_charts import charted, picture_version, question_session
from tohyo.event_export.quiz_scores import has_quiz, leaderboard
from tohyo.event_export.rounds import by_round, in_order, recount, results, rounds, shown
from tohyo.event_export.typed_pictures import TypedRound, typed_round

__all__ = [
    "HEADERS",
    "LANGUAGES",
    "QUIZ_HEADERS",
    "TYPED_HEADERS",
    "TypedRound",
    "by_round",
    "charted",
    "has_quiz",
    "in_order",
    "leaderboard",
    "picture_version",
    "question_entry",
    "question_session",
    "question_to_json",
    "recount",
    "results",
    "rounds",
    "shown",
    "to_csv",
    "to_json",
    "typed_round",
]
