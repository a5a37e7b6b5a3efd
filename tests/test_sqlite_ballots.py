"""SQLite keeps each voter's own choices (`myChoiceIds`) through a restart: the ballots
table is where they are read back from, and a ballot still committing is found too."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.test_conformance import NOW, definition, key
from tohyo.storage.sqlite import SQLiteStore


async def test_a_voters_choices_survive_a_restart(tmp_path: Path) -> None:
    path = str(tmp_path / "tohyo.db")
    first = SQLiteStore(path)
    await first.start()
    await first.create(definition(vote_type="multiple"))
    await first.cast("s1", key(1), ("3", "1"), NOW)
    await first.cast("s1", key(2), ("2",), NOW)
    await first.close()

    again = SQLiteStore(path)
    await again.start()
    try:
        assert (await again.get("s1", key(1), NOW))[1] == ("1", "3")
        assert (await again.get("s1", key(2), NOW))[1] == ("2",)
        assert (await again.get("s1", key(3), NOW))[1] == ()
    finally:
        await again.close()


async def test_a_ballot_still_committing_is_read_back_with_its_choices(tmp_path: Path) -> None:
    store = SQLiteStore(str(tmp_path / "tohyo.db"))
    await store.start()
    try:
        await store.create(definition())
        await store.cast("s1", key(1), ("1",), NOW)
        voting = asyncio.ensure_future(store.cast("s1", key(2), ("3",), NOW))
        await asyncio.sleep(0)  # the ballot is in a batch, not yet committed
        assert not voting.done()
        # What a home evicted meanwhile reloads: the file's ballots and the pending ones.
        assert store.journal.load_voters("s1") == {key(1): ("1",), key(2): ("3",)}
        await voting
        assert store.journal.load_voters("s1") == {key(1): ("1",), key(2): ("3",)}
    finally:
        await store.close()


async def test_voters_who_chose_alike_share_one_kept_tuple(tmp_path: Path) -> None:
    path = str(tmp_path / "tohyo.db")
    store = SQLiteStore(path)
    await store.start()
    await store.create(definition(vote_type="multiple"))
    await asyncio.gather(*(store.cast("s1", key(n), ("2", "1"), NOW) for n in range(50)))
    await store.close()

    again = SQLiteStore(path)
    await again.start()
    try:
        kept = {id(choices) for choices in again.journal.load_voters("s1").values()}
        assert len(kept) == 1  # one tuple, whatever the number of voters
    finally:
        await again.close()
