"""Sessions homed in this process: the event loop is the serialization point.

Each session that is in use has a `Home` in memory: its current state and, by voter key,
the choice ids of each ballot (shared tuples: `domain.transitions.kept_ballot`). An
operation checks and applies its change with no `await` in between, so nothing of the
same session can interleave (the durable object's input gate). The change is then handed
to a `Journal`, and the caller is answered only when the journal says the batch holding
it is durable (the output gate). Many operations share one batch: group commit.

This is safe because exactly one process owns the data: `memory://` trivially, and the
SQLite journal holds an exclusive lock on its file. Backends shared between processes
(Redis) decide on the server instead and do not use this module.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from tohyo import domain
from tohyo.domain import Definition, Session, State, Visibility
from tohyo.domain.model import Ballot
from tohyo.domain.transitions import kept_ballot
from tohyo.errors import AlreadyVoted, NotFound
from tohyo.storage.base import ChangeListener, Listeners

Done = asyncio.Future[None] | None  # None: already durable, nothing to wait for


class Journal(Protocol):
    """Where a local store's changes become durable, in batches."""

    def bind(self, notify: ChangeListener, on_failure: Callable[[], None]) -> None:
        """`notify(session)` after each commit; `on_failure()` when a batch is lost."""

    async def start(self) -> None: ...
    async def close(self) -> None: ...
    def server_key(self) -> bytes: ...
    async def ready(self) -> bool: ...
    def load(self, session_id: str) -> Session | None: ...
    def load_voters(self, session_id: str) -> dict[bytes, Ballot]: ...
    def record_create(self, session: Session) -> Done: ...
    def record_ballot(
        self, session: Session, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> Done: ...
    def record_state(self, session: Session) -> Done: ...
    def record_delete(self, session_id: str) -> Done: ...
    def durable(self) -> Done: ...
    def expired(self, now: int, limit: int) -> list[str]: ...
    def ballots(self, session_id: str) -> list[tuple[str, ...]]: ...


class Home:
    __slots__ = ("session", "voters")

    def __init__(self, session: Session, voters: dict[bytes, Ballot] | None) -> None:
        self.session = session
        self.voters = voters  # None until first needed: loading can be costly


class LocalStore(Listeners):
    def __init__(self, journal: Journal, max_homes: int = 10_000) -> None:
        super().__init__()
        self._journal = journal
        self._homes: OrderedDict[str, Home] = OrderedDict()
        self._max_homes = max_homes
        journal.bind(self._notify, self._forget_all)

    async def start(self) -> None:
        await self._journal.start()

    async def close(self) -> None:
        await self._journal.close()

    async def server_key(self) -> bytes:
        return self._journal.server_key()

    async def ready(self) -> bool:
        return await self._journal.ready()

    # Every change of this store's sessions is made in this process: nothing to watch.
    async def watch(self, session_id: str) -> None:
        pass

    def unwatch(self, session_id: str) -> None:
        pass

    # --- operations: check and apply synchronously, then wait for durability ----------

    async def create(self, definition: Definition, initial: State | None = None) -> Session:
        session = Session(definition, initial or State.initial(len(definition.choices)))
        done = self._journal.record_create(session)  # may refuse: then no home either
        self._remember(definition.session_id, Home(session, {}))
        await _wait(done)
        return session

    async def get(
        self, session_id: str, voter_key: bytes | None, now: int
    ) -> tuple[Session, Ballot]:
        home = self._home(session_id, now)
        session = home.session
        ballot = () if voter_key is None else self._voters(session_id, home).get(voter_key, ())
        # Answer only with durable state: wait for whatever is in flight to commit.
        await _wait(self._journal.durable())
        return session, ballot

    async def cast(
        self, session_id: str, voter_key: bytes, choice_ids: tuple[str, ...], now: int
    ) -> Session:
        home = self._home(session_id, now)
        session = home.session
        domain.require_open(session.state)
        indexes = domain.ballot_indexes(session.definition, choice_ids)
        voters = self._voters(session_id, home)
        if voter_key in voters:
            # The earlier ballot may still be committing: say 409 only once it is durable.
            await _wait(self._journal.durable())
            raise AlreadyVoted()
        session = Session(session.definition, domain.add_ballot(session.state, indexes))
        # Recorded first: a journal that refuses (it is re-reading its file) changes nothing.
        done = self._journal.record_ballot(session, voter_key, choice_ids, now)
        voters[voter_key] = kept_ballot(choice_ids)
        home.session = session
        if done is not None:  # not through _wait: a coroutine less on every vote
            await done
        return session

    async def close_voting(self, session_id: str, now: int) -> Session:
        home = self._home(session_id, now)
        return await self._apply(home, domain.close(home.session.state, now))

    async def configure(
        self,
        session_id: str,
        now: int,
        visibility: Visibility | None = None,
        closes_at: int | None = None,
    ) -> Session:
        home = self._home(session_id, now)
        return await self._apply(
            home, domain.configure(home.session.state, now, visibility, closes_at)
        )

    async def _apply(self, home: Home, state: State) -> Session:
        """Make `state` the home's (no await in between: the caller computed it from the
        current one), then answer once durable. An unchanged state is not recorded."""
        if state is not home.session.state:
            home.session = Session(home.session.definition, state)
            session = home.session
            await _wait(self._journal.record_state(session))
            return session
        session = home.session
        await _wait(self._journal.durable())
        return session

    async def expire(self, now: int, limit: int = 500) -> list[str]:
        gone = self._journal.expired(now, limit)
        done: Done = None
        for session_id in gone:
            self._homes.pop(session_id, None)
            done = self._journal.record_delete(session_id)
        await _wait(done)
        return gone

    async def ballots(self, session_id: str) -> list[tuple[str, ...]]:
        await _wait(self._journal.durable())
        return self._journal.ballots(session_id)

    # --- homes ------------------------------------------------------------------------

    def _home(self, session_id: str, now: int) -> Home:
        home = self._homes.get(session_id)
        if home is None:
            session = self._journal.load(session_id)
            if session is None:
                raise NotFound()
            home = Home(session, None)
            self._remember(session_id, home)
        else:
            self._homes.move_to_end(session_id)
        if home.session.expired(now):
            raise NotFound()
        due = domain.close_if_due(home.session.state, now)
        if due is not home.session.state:  # past its deadline: closed now, as of then
            home.session = Session(home.session.definition, due)
            self._journal.record_state(home.session)
        return home

    def _voters(self, session_id: str, home: Home) -> dict[bytes, Ballot]:
        if home.voters is None:
            home.voters = self._journal.load_voters(session_id)
        return home.voters

    def _remember(self, session_id: str, home: Home) -> None:
        self._homes[session_id] = home
        # Evicting is safe at any time: a home's changes are already with the journal,
        # and reloading reads them back (the journal reads its own pending writes first).
        while len(self._homes) > self._max_homes:
            self._homes.popitem(last=False)

    def _forget_all(self) -> None:
        """A batch failed: drop every home so state is reloaded from durable storage."""
        self._homes.clear()


async def _wait(done: Done) -> None:
    if done is not None:
        await done
