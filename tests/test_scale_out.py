"""Scale-out on Redis: several `tohyo serve` processes, one truth.

Every test starts real processes on free loopback ports against a real `redis-server`
(see `redis_servers.py`): a flood of 1,000 voters through random processes with viewers
on every process, the same with the resync running (it must reset nobody), the same with
one process killed by SIGKILL halfway, a Redis restart while viewers watch, pub/sub
connections cut under the feed, and `--workers`.

What is checked is exact: one accepted ballot per voter, stored ballots equal to the
acknowledged ones, every tally equal to the ballots, every viewer ending on that tally.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests.conftest import ServerProcess, host, voter
from tests.crowd import Crowd, client_for, counts, create, host_view
from tests.redis_servers import RedisCluster, RedisServer
from tests.sse import Stream, open_snapshot, open_stream
from tohyo.storage.redis_keys import SERVER_KEY, session_key, voter_field
from tohyo.web import security

pytestmark = pytest.mark.slow

VOTERS = range(1000)


def choice_of(n: int, attempt: int = 0) -> str:
    # A voter's second attempt names another choice: if both counted, the tally would show.
    return str((n + attempt) % 3 + 1)


# The periodic resync is off in these tests: every viewer must converge through pub/sub
# and the re-reads after reconnects alone (test_redis.py tests the resync by itself).
NO_RESYNC = "?resync_interval=0"


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    redis_server.flush()
    return redis_server.url + NO_RESYNC


def start_processes(server_factory: Any, storage: str, count: int = 3) -> list[ServerProcess]:
    servers: list[ServerProcess] = [
        server_factory(storage=storage).start(wait=False) for _ in range(count)
    ]
    for server in servers:
        server.wait_ready()
    return servers


@dataclass
class Outcomes:
    accepted: dict[int, int] = field(default_factory=dict)  # voter -> attempt that got 201
    statuses: Counter[int] = field(default_factory=Counter)
    lost: list[tuple[int, int, int]] = field(default_factory=list)  # (voter, attempt, process)
    twice: list[int] = field(default_factory=list)  # voters acknowledged more than once


async def vote(http: httpx.AsyncClient, sid: str, n: int, attempt: int = 0) -> httpx.Response:
    body = {"choiceIds": [choice_of(n, attempt)]}
    return await http.post(f"/api/vote/{sid}", json=body, headers=voter(n))


async def flood(
    crowds: list[Crowd],
    sid: str,
    outcomes: Outcomes,
    *,
    seed: int,
    alive: list[bool] | None = None,
    on_ack: Any = None,
) -> None:
    """Every voter once, every tenth a second time with another choice, each request to a
    random process, all at once."""
    rng = random.Random(seed)
    requests = [(n, 0) for n in VOTERS] + [(n, 1) for n in VOTERS if n % 10 == 0]
    rng.shuffle(requests)
    targets = [rng.randrange(len(crowds)) for _ in requests]

    async def one(n: int, attempt: int, process: int) -> None:
        try:
            response = await vote(crowds[process][n], sid, n, attempt)
        except httpx.TransportError:
            outcomes.lost.append((n, attempt, process))
            return
        outcomes.statuses[response.status_code] += 1
        if response.status_code == 201:
            if n in outcomes.accepted:
                outcomes.twice.append(n)
            outcomes.accepted[n] = attempt
            if on_ack is not None:
                on_ack()

    await asyncio.gather(*(one(n, a, p) for (n, a), p in zip(requests, targets, strict=True)))


def expected_counts(accepted: dict[int, int]) -> list[int]:
    tally = Counter(choice_of(n, attempt) for n, attempt in accepted.items())
    return [tally[str(i)] for i in (1, 2, 3)]


def stored_ballots(url: str, sid: str) -> dict[int, str]:
    """voter -> the choice stored for them, read from Redis itself."""
    url = url.partition("?")[0]  # without tohyo's own options
    client: Any = (
        redis.RedisCluster.from_url(url.replace("+cluster", ""))
        if "+cluster" in url
        else redis.Redis.from_url(url)
    )
    server_key = client.get(SERVER_KEY)
    assert server_key is not None
    stored = dict(client.hscan_iter(session_key(sid), match=b"b:*"))
    by_voter: dict[int, str] = {}
    for n in VOTERS:
        token = voter(n)["cookie"].partition("=")[2]
        ballot = stored.pop(voter_field(security.voter_key(server_key, sid, token)), None)
        if ballot is not None:
            by_voter[n] = ballot.decode().partition(":")[2]
    assert stored == {}, "ballots of unknown voters"
    return by_voter


async def converge(stream: Stream, version: int, timeout: float = 15) -> dict[str, Any]:
    """Read the stream until it shows `version`; return that state."""
    deadline = time.monotonic() + timeout
    while True:
        frame = await stream.next_event(max(0.01, deadline - time.monotonic()))
        if frame.id >= version:
            return frame.data


@contextlib.asynccontextmanager
async def viewers(
    servers: list[ServerProcess], created: dict[str, Any], per_process: int = 2
) -> AsyncIterator[list[Stream]]:
    """`per_process` host viewers on every process, each past its snapshot."""
    async with contextlib.AsyncExitStack() as stack:
        streams: list[Stream] = []
        for server in servers:
            http = await stack.enter_async_context(client_for(server, per_process))
            for _ in range(per_process):
                stream = await stack.enter_async_context(
                    open_stream(http, created["sessionId"], host(created))
                )
                await open_snapshot(stream)
                streams.append(stream)
        yield streams


# --- tests -----------------------------------------------------------------------------


@pytest.fixture(params=["redis", "redis-cluster"])
def shared_storage(request: pytest.FixtureRequest) -> str:
    """A flushed standalone Redis or 3-master Cluster: its URL."""
    store: RedisServer | RedisCluster = request.getfixturevalue(
        "redis_server" if request.param == "redis" else "redis_cluster"
    )
    store.flush()
    return store.url + NO_RESYNC


async def test_three_processes_agree_on_every_vote(
    server_factory: Any, shared_storage: str
) -> None:
    redis_url = shared_storage
    servers = start_processes(server_factory, redis_url)
    crowds = [Crowd(s, clients=4, per_client=5) for s in servers]
    try:
        created = await create(crowds[0][0])
        sid = created["sessionId"]
        async with viewers(servers, created) as streams:
            outcomes = Outcomes()
            await flood(crowds, sid, outcomes, seed=1)

            assert outcomes.lost == []
            assert set(outcomes.statuses) == {201, 409}, outcomes.statuses
            assert outcomes.twice == []
            assert sorted(outcomes.accepted) == list(VOTERS)
            assert outcomes.statuses[409] == len(VOTERS) // 10
            expected = expected_counts(outcomes.accepted)

            stored = await asyncio.to_thread(stored_ballots, redis_url, sid)
            assert stored == {n: choice_of(n, a) for n, a in outcomes.accepted.items()}
            for crowd in crowds:  # every process reads the same truth
                view = await host_view(crowd[0], created)
                assert (view["totalVotes"], counts(view)) == (len(VOTERS), expected)
                assert view["version"] == 1 + len(VOTERS)
            for stream in streams:  # and every viewer, on every process, ends on it
                final = await converge(stream, 1 + len(VOTERS))
                assert (final["totalVotes"], counts(final)) == (len(VOTERS), expected)
    finally:
        for crowd in crowds:
            await crowd.__aexit__()


async def test_a_flood_with_the_resync_running_resets_no_viewer(
    server_factory: Any, redis_server: RedisServer
) -> None:
    """Regression (#12, item 7): in fault-free floods every process logged "session ... went
    back to version N in Redis" a few times a minute and reset its viewers: the resync
    held a version it had read against messages heard after the read was sent. Here the
    resync runs every 20 ms on both processes, and nothing may be reset."""
    redis_server.flush()
    servers = start_processes(server_factory, redis_server.url + "?resync_interval=0.02", 2)
    crowds = [Crowd(s, clients=4, per_client=5) for s in servers]
    try:
        created = await create(crowds[0][0])
        sid = created["sessionId"]
        async with viewers(servers, created) as streams:
            outcomes = Outcomes()
            await flood(crowds, sid, outcomes, seed=3)
            assert sorted(outcomes.accepted) == list(VOTERS)
            for stream in streams:
                final = await converge(stream, 1 + len(VOTERS))
                assert final["totalVotes"] == len(VOTERS)
        for server in servers:
            assert "went back to version" not in server.log()
    finally:
        for crowd in crowds:
            await crowd.__aexit__()


async def test_kill_9_of_one_process_mid_flood_loses_no_acknowledged_vote(
    server_factory: Any, redis_url: str
) -> None:
    servers = start_processes(server_factory, redis_url)
    victim = 1
    crowds = [Crowd(s, clients=4, per_client=5) for s in servers]
    acks = 0
    enough = asyncio.Event()

    def on_ack() -> None:
        nonlocal acks
        acks += 1
        if acks == 300:
            enough.set()

    async def killer() -> None:
        await asyncio.wait_for(enough.wait(), 30)
        servers[victim].signal(signal.SIGKILL)

    try:
        created = await create(crowds[0][0])
        sid = created["sessionId"]
        async with viewers([servers[0], servers[2]], created) as streams:
            outcomes = Outcomes()
            kill = asyncio.create_task(killer())
            await flood(crowds, sid, outcomes, seed=2, on_ack=on_ack)
            await kill
            assert await asyncio.to_thread(servers[victim].wait, 10) == -signal.SIGKILL

            # Only requests to the killed process went unanswered; the others served on.
            assert outcomes.lost, "the kill landed after the flood"
            assert {process for _, _, process in outcomes.lost} == {victim}
            assert set(outcomes.statuses) <= {201, 409}
            assert outcomes.twice == []

            # Every acknowledged ballot is stored exactly as acknowledged.
            stored = await asyncio.to_thread(stored_ballots, redis_url, sid)
            for n, attempt in outcomes.accepted.items():
                assert stored[n] == choice_of(n, attempt)

            # Everybody tries again through the survivors: the uncounted get in, once.
            survivors = [crowds[0], crowds[2]]
            again = await asyncio.gather(*(vote(survivors[n % 2][n], sid, n) for n in VOTERS))
            statuses = {n: r.status_code for n, r in zip(VOTERS, again, strict=True)}
            assert set(statuses.values()) <= {201, 409}
            assert all(statuses[n] == 409 for n in outcomes.accepted)

            stored = await asyncio.to_thread(stored_ballots, redis_url, sid)
            assert sorted(stored) == list(VOTERS)  # one ballot per voter, nobody twice
            expected = [Counter(stored.values())[str(i)] for i in (1, 2, 3)]
            view = await host_view(crowds[0][0], created)
            assert (view["totalVotes"], counts(view)) == (len(VOTERS), expected)
            assert view["version"] == 1 + len(VOTERS)
            for stream in streams:
                final = await converge(stream, 1 + len(VOTERS))
                assert (final["totalVotes"], counts(final)) == (len(VOTERS), expected)
    finally:
        for crowd in crowds:
            await crowd.__aexit__()


async def vote_until_answered(http: httpx.AsyncClient, sid: str, n: int) -> httpx.Response:
    """Vote, retrying while storage is unavailable (503), as a client should."""
    deadline = time.monotonic() + 20
    while True:
        response = await vote(http, sid, n)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(0.1)


async def test_viewers_converge_across_a_redis_restart(server_factory: Any, tmp_path: Path) -> None:
    store = RedisServer(tmp_path, appendonly=True).start()  # appendfsync always
    try:
        servers = start_processes(server_factory, store.url + NO_RESYNC, count=2)
        async with Crowd(servers[0], 2, 5) as first, Crowd(servers[1], 2, 5) as second:
            crowds = [first, second]
            created = await create(first[0])
            sid = created["sessionId"]
            async with viewers(servers, created) as streams:
                before = await asyncio.gather(*(vote(crowds[n % 2][n], sid, n) for n in range(100)))
                assert [r.status_code for r in before] == [201] * 100
                for stream in streams:
                    await converge(stream, 101)

                store.kill()  # SIGKILL: only the AOF brings the data back
                during = await vote(first[0], sid, 100)
                assert during.status_code == 503
                assert during.json()["code"] == "storage_unavailable"
                store.start()

                after = await asyncio.gather(
                    *(vote_until_answered(crowds[n % 2][n], sid, n) for n in range(100, 200))
                )
                # Voter 100's first try got 503 and was not recorded; now it counts.
                assert [r.status_code for r in after] == [201] * 100
                expected = [sum(1 for n in range(200) if choice_of(n) == str(i)) for i in "123"]
                for stream in streams:
                    final = await converge(stream, 201)
                    assert (final["totalVotes"], counts(final)) == (200, expected)
    finally:
        store.stop()


async def test_feed_heals_when_pubsub_connections_are_cut(
    server_factory: Any, redis_server: RedisServer, redis_url: str
) -> None:
    servers = start_processes(server_factory, redis_url, count=2)
    async with client_for(servers[0]) as first:
        created = await create(first)
        sid = created["sessionId"]
        async with viewers(servers[1:], created, per_process=1) as (stream,):
            for n in range(5):
                killed = redis_server.client().client_kill_filter(_type="pubsub")
                assert killed >= 1
                # Published while the viewer's process has no subscription: lost, then
                # repaired by the resync that follows the reconnect.
                assert (await vote(first, sid, n)).status_code == 201
                final = await converge(stream, 2 + n, timeout=10)
                assert final["totalVotes"] == n + 1


async def test_workers_share_one_port(server_factory: Any, redis_url: str) -> None:
    server = server_factory(storage=redis_url, args=("--workers", "2")).start()
    assert server.proc is not None
    assert len(spawned_workers(server.proc.pid)) == 2
    async with Crowd(server, 4, 5) as crowd:
        created = await create(crowd[0])
        sid = created["sessionId"]
        # Enough streams that both workers hold some; each must see every vote.
        async with viewers([server] * 3, created) as streams:
            results = await asyncio.gather(*(vote(crowd[n], sid, n) for n in range(200)))
            assert [r.status_code for r in results] == [201] * 200
            for stream in streams:
                assert (await converge(stream, 201))["totalVotes"] == 200

            began = time.monotonic()
            server.signal(signal.SIGTERM)
            for stream in streams:  # each worker ends its streams with a reconnect hint
                frames = [f async for f in _until_end(stream)]
                assert frames and frames[-1].retry == 1000
            assert await asyncio.to_thread(server.wait, 15) in (0, -signal.SIGTERM)
            assert time.monotonic() - began < 10


async def _until_end(stream: Stream) -> AsyncIterator[Any]:
    while (frame := await stream.next(10)) is not None:
        yield frame


def spawned_workers(parent: int) -> list[int]:
    """Worker processes of a uvicorn parent (multiprocessing's spawn children)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
            if int(fields[1]) == parent and b"spawn_main" in cmdline:
                found.append(int(stat.parent.name))
    return found


async def test_streams_on_every_process_end_when_the_session_expires(
    server_factory: Any, redis_url: str, redis_server: RedisServer
) -> None:
    servers = [
        server_factory(storage=redis_url, TOHYO_SESSION_TTL="2").start(wait=False) for _ in range(2)
    ]
    for server in servers:
        server.wait_ready()
    async with client_for(servers[0]) as http:
        created = await create(http)
    async with viewers(servers, created, per_process=1) as streams:
        for stream in streams:
            frame = await stream.next_event(timeout=5)
            assert frame.event == "expired"
            assert await stream.next(timeout=2) is None  # and the stream ends
    # Redis deleted the keys by itself (PEXPIREAT), sweeper or not.
    client = redis_server.client()
    assert client.exists(session_key(created["sessionId"])) == 0
