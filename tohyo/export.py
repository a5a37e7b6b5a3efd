"""Results as files: CSV (Excel-safe, bilingual header) and JSON."""

from __future__ import annotations

import csv
import io
from typing import Any

from tohyo import domain
from tohyo.domain import Session

HEADERS = {
    "en": ("Choice ID", "Choice", "Votes", "Percentage"),
    "ja": ("選択肢ID", "選択肢", "票数", "割合(%)"),
}
LANGUAGES = tuple(HEADERS)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def results(session: Session, exported_at: int) -> dict[str, Any]:
    d, s = session.definition, session.state
    return {
        "sessionId": d.session_id,
        "question": d.question,
        "voteType": d.vote_type,
        "status": s.status,
        "totalVotes": s.total_votes,
        "choices": [
            {
                "choiceId": c.choice_id,
                "text": c.text,
                "voteCount": n,
                "percentage": domain.percentage(n, s.total_votes),
            }
            for c, n in zip(d.choices, s.counts, strict=True)
        ],
        "exportedAt": domain.iso(exported_at),
    }


def to_csv(session: Session, lang: str) -> bytes:
    """UTF-8 with a BOM so Excel reads Japanese; the csv module quotes what needs quoting."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADERS[lang])
    s = session.state
    for c, n in zip(session.definition.choices, s.counts, strict=True):
        writer.writerow([c.choice_id, neutralise(c.text), n, domain.percentage(n, s.total_votes)])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def neutralise(text: str) -> str:
    """Prefix formula-looking text with an apostrophe so spreadsheets show it as text."""
    return "'" + text if text.startswith(_FORMULA_START) else text
