"""Memory per voter of a hot session: what the store keeps for 100,000 ballots.

    .venv/bin/python bench/ballot_memory.py [--voters 100000]
    PYTHONPATH=/path/to/other/tree .venv/bin/python bench/ballot_memory.py   # another tree

A local store (memory://, SQLite) keeps each voter of a session in use in memory, so a
second ballot is refused without a read; since each voter's own choices are told back to
them (`myChoiceIds`), it keeps those too. This casts --voters ballots into one session of
each backend, in-process, and reports the bytes tracemalloc sees the store hold per voter
afterwards (voter keys included, as a server holds them; SQLite's committed rows are on
disk, not counted). Single-choice ballots, then multiple-choice ones of two choices.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import tempfile
import time
import tracemalloc
from pathlib import Path

from tohyo import domain
from tohyo.storage import open_store

NOW = (time.time_ns() // 1_000_000 // 1000) * 1000
CHUNK = 1000  # ballots in flight at once: a group commit each on SQLite


async def per_voter(url: str, vote_type: domain.VoteType, voters: int) -> float:
    store = open_store(url)
    await store.start()
    try:
        draft = domain.Draft("Q?", vote_type, ("a", "b", "c"))
        await store.create(domain.make_definition(draft, "s1", b"h", NOW, 3_600_000))
        picks = [("1",), ("2",), ("3",)] if vote_type == "single" else [("1", "3"), ("2", "3")]
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for start in range(0, voters, CHUNK):
            await asyncio.gather(
                *(
                    # A fresh tuple per ballot, as each request's parsed body is.
                    store.cast("s1", n.to_bytes(16, "big"), tuple(list(picks[n % len(picks)])), NOW)
                    for n in range(start, min(voters, start + CHUNK))
                )
            )
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        return held / voters
    finally:
        await store.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = {
            "memory": "memory://",
            "sqlite": f"sqlite:///{Path(folder) / 'ballots.db'}?synchronous=normal",
        }
        print(f"| backend | ballots | bytes per voter ({args.voters:,} voters) |")
        print("|---|---|---:|")
        for name, url in urls.items():
            for vote_type in ("single", "multiple"):
                if name == "sqlite":
                    Path(folder, "ballots.db").unlink(missing_ok=True)
                bytes_per_voter = await per_voter(url, vote_type, args.voters)
                print(f"| {name} | {vote_type} | {bytes_per_voter:.0f} |")


if __name__ == "__main__":
    asyncio.run(main())
