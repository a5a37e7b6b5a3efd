"""An event's audience Q&A as the host takes it home: every entry, hidden and pending ones
too, with its upvotes, status and times — in the event's JSON export (`qa`), and as a CSV
of its own (one row per entry: the event's CSV is a table of questions and rounds, with
no room for another).

Never who asked: the author's participant key stays in storage, as an answer's does. A
nickname is shown where its author chose to show it.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from tohyo import domain
from tohyo.domain import qa
from tohyo.domain.qa import QaBoard
from tohyo.export import neutralise

QA_HEADERS = {
    "en": (
        *("Entry ID", "Question", "Nickname", "Status", "Upvotes"),
        *("Asked at", "Answered at", "Pinned", "Caught by filters"),
    ),
    "ja": (
        *("項目ID", "質問", "ニックネーム", "状態", "いいね数"),
        *("投稿日時", "回答済み日時", "ピン留め", "フィルターで保留"),
    ),
}
YES = {"en": "yes", "ja": "はい"}


def qa_to_json(board: QaBoard, mode: str) -> dict[str, Any]:
    """The `qa` part of the event's JSON export."""
    view = qa.board_view(board, "off", host=True)
    del view["version"]  # a count of changes is the live stream's, not the host's record
    return {**view, "mode": mode}


def qa_to_csv(board: QaBoard, lang: str) -> bytes:
    """UTF-8 with a BOM so Excel reads Japanese, as every CSV export; typed text
    neutralised (a spreadsheet shows `=cmd` as text and never runs it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(QA_HEADERS[lang])
    yes = YES[lang]
    for entry in board.entries:
        writer.writerow(
            [
                entry.entry_id,
                neutralise(entry.text),
                neutralise(entry.nickname or ""),
                entry.status,
                entry.upvotes,
                domain.iso(entry.asked_at),
                domain.iso(entry.answered_at) if entry.answered_at is not None else "",
                yes if board.pinned == entry.entry_id else "",
                yes if entry.filtered else "",
            ]
        )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
