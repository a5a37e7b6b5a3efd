"""Events scaled out on Redis: three `tohyo serve` processes, one event, one room.

The phones' streams are spread over all three processes and the host's console talks to
one. The host presents q1: every phone, on every process, shows it on the stream it
already has. Every phone answers through a process other than its stream's (as a load
balancer may send it), some twice: one answer each counts, and each phone's results
appear on its open stream (q1 shows results after voting, so this needs the answering
process to tell the others *who* answered). Every phone ends on the exact tally, every
process reads the same; the host moves to q2 and every phone follows.

The periodic resync is off: phones must follow through pub/sub alone.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.conftest import ServerProcess, voter
from tests.crowd import Crowd, client_for
from tests.event_crowd import (
    answer,
    create_event,
    host_post,
    host_view,
    joined_stream,
    present,
    question,
    results,
    shown,
    until_state,
)
from tests.redis_servers import RedisCluster, RedisServer
from tests.sse import Stream

pytestmark = pytest.mark.slow

PROCESSES = 3
PHONES = range(90)  # 30 streams on each process
NO_RESYNC = "?resync_interval=0"


def home_of(n: int) -> int:
    """The process phone n holds its stream on."""
    return n % PROCESSES


def choice_of(n: int, attempt: int = 0) -> str:
    # A second attempt names another choice: if both counted, the tally would show it.
    return str((n + attempt) % 3 + 1)


def expected_counts(accepted: dict[int, int]) -> list[int]:
    """The counts of q1 when phone n's accepted[n]-th attempt is the one that counted."""
    chosen = [choice_of(n, attempt) for n, attempt in accepted.items()]
    return [chosen.count(str(c)) for c in (1, 2, 3)]


@pytest.fixture(params=["redis", "redis-cluster"])
def shared_storage(request: pytest.FixtureRequest) -> str:
    store: RedisServer | RedisCluster = request.getfixturevalue(
        "redis_server" if request.param == "redis" else "redis_cluster"
    )
    store.flush()
    return store.url + NO_RESYNC


@dataclass
class Phone:
    n: int
    stream: Stream
    state: dict[str, Any]  # the newest state its stream showed

    async def until(self, shows: Any, timeout: float = 15) -> dict[str, Any]:
        self.state = await until_state(self.stream, shows, timeout, self.state)
        return self.state


@contextlib.asynccontextmanager
async def room(servers: list[ServerProcess], event_id: str) -> AsyncIterator[list[Phone]]:
    """Every phone's stream on its home process, each with its own voter cookie."""
    async with contextlib.AsyncExitStack() as stack:
        per_process = len(PHONES) // PROCESSES + 1
        clients = [await stack.enter_async_context(client_for(s, per_process)) for s in servers]
        phones: list[Phone] = []
        for n in PHONES:
            stream, snapshot = await stack.enter_async_context(
                joined_stream(clients[home_of(n)], event_id, voter(n))
            )
            phones.append(Phone(n, stream, snapshot))
        yield phones


async def all_follow(phones: list[Phone], shows: Any, timeout: float = 15) -> None:
    await asyncio.gather(*(phone.until(shows, timeout) for phone in phones))
    for phone in phones:
        assert phone.stream.ended_at is None, f"phone {phone.n}'s stream ended"


def presenting(qid: str | None) -> Any:
    return lambda state: state["presenting"] == qid


def start_processes(server_factory: Any, storage: str) -> list[ServerProcess]:
    servers: list[ServerProcess] = [
        server_factory(storage=storage).start(wait=False) for _ in range(PROCESSES)
    ]
    for server in servers:
        server.wait_ready(60)  # three start at once, on a machine that may be busy
    return servers


async def test_every_phone_on_every_process_follows_the_host(
    server_factory: Any, shared_storage: str
) -> None:
    servers = start_processes(server_factory, shared_storage)
    crowds = [Crowd(s, clients=3, per_client=5) for s in servers]
    console = crowds[0][0]  # the host's console talks to the first process only
    try:
        created = await create_event(
            console,
            question("Which talk?", resultsVisibility="after_vote"),
            question("Lunch?", resultsVisibility="always"),
        )
        event_id = created["eventId"]
        for qid in ("q1", "q2"):
            await host_post(console, created, f"questions/{qid}/open")

        async with room(servers, event_id) as phones:
            # The lobby: nothing presented, and no results of q1 before answering.
            for phone in phones:
                assert phone.state["presenting"] is None
                assert results(phone.state, "q1") is None

            await present(console, created, "q1")
            await all_follow(phones, presenting("q1"))
            for phone in phones:  # the question, still without its results
                assert shown(phone.state, "q1") is not None
                assert results(phone.state, "q1") is None

            # Answers through any process but the phone's own; every tenth twice.
            attempts = [(n, 0) for n in PHONES] + [(n, 1) for n in PHONES if n % 10 == 0]

            async def one(n: int, attempt: int) -> int:
                via = crowds[(home_of(n) + 1 + attempt) % PROCESSES][n]
                response = await answer(via, event_id, "q1", n, choice_of(n, attempt))
                return response.status_code

            statuses = await asyncio.gather(*(one(n, a) for n, a in attempts))
            assert set(statuses) == {201, 409}, statuses
            # Both attempts race: either may be the one that counts, never both.
            outcome = zip(attempts, statuses, strict=True)
            accepted = {n: a for (n, a), status in outcome if status == 201}
            assert sorted(accepted) == list(PHONES)
            assert statuses.count(201) == len(PHONES)
            exact = (len(PHONES), expected_counts(accepted))
            for crowd in crowds:  # every process reads the same truth
                assert results(await host_view(crowd[0], created), "q1") == exact
            # Every phone ends on the exact tally, which it sees because it answered.
            await all_follow(phones, lambda state: results(state, "q1") == exact)
            for phone in phones:
                assert phone.state["presenting"] == "q1"

            # The host moves on: everyone follows, still on the same streams.
            await present(console, created, "q2")
            await all_follow(phones, presenting("q2"))
            for phone in phones:
                assert results(phone.state, "q2") == (0, [0, 0, 0])
                if shown(phone.state, "q1") is not None:  # a phone may show only q2 now
                    assert results(phone.state, "q1") == exact
    finally:
        for crowd in crowds:
            await crowd.__aexit__()
