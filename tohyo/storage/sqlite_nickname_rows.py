"""An event's nicknames as SQLite rows: the statements the event journal
(`tohyo.storage.sqlite_events`) runs for them, and how a batch writes them.

A row per participant who holds one (schema.sql, event_nicknames): its key, unique in the
event, and its shown form. Who may take which is decided in memory (`event_homes`), the
unique index on (event, key) is the backstop, as the one on live codes is for join codes.
"""

from __future__ import annotations

import sqlite3

from tohyo.storage import sqlite_file as file
from tohyo.storage.event_homes import Held

SELECT_NICKNAMES = "SELECT participant, key, shown FROM event_nicknames WHERE event_id = ?"
DELETE_NICKNAME = "DELETE FROM event_nicknames WHERE event_id = ? AND participant = ?"
INSERT_NICKNAMES = "INSERT INTO event_nicknames (event_id, participant, key, shown) VALUES "


def write_nicknames(c: sqlite3.Connection, changed: dict[str, Held]) -> None:
    """The batch's newest nickname of each participant it changed, per event: every one
    of their rows goes first, then the new ones go in. One participant's rename may free
    the key another takes in the same batch, and the unique index must not see the new
    holder's row before the old holder's is gone. Once theirs are out, the rows left are
    of participants the batch did not change, whose keys are none of the new ones: the
    home decided them all against the same names, and the batches before this one are in
    the file already (they commit one after the other)."""
    c.executemany(
        DELETE_NICKNAME, [(event_id, who) for event_id, held in changed.items() for who in held]
    )
    rows = [
        (event_id, who, key, shown)
        for event_id, held in changed.items()
        for who, (key, shown) in held.items()
    ]
    file.insert_rows(c, INSERT_NICKNAMES, rows)
