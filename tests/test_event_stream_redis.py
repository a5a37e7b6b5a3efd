"""The event stream across processes on Redis: a phone's stream on one process follows
the host's changes and the phone's own answer made on another. Real `tohyo serve`
processes on free loopback ports against a real `redis-server` (or a cluster)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import ServerProcess
from tests.event_streams import (
    client_for,
    host_event,
    minted_cookie,
    open_event_stream,
    phone,
    question,
    shown,
    without_counters,
)
from tests.redis_servers import RedisCluster, RedisServer
from tests.sse import Frame, open_snapshot

pytestmark = pytest.mark.slow

# Without the periodic resync: every stream must converge through pub/sub alone.
NO_RESYNC = "?resync_interval=0"


@pytest.fixture(params=["redis", "redis-cluster"])
def shared_storage(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        server: RedisServer = request.getfixturevalue("redis_server")
        server.flush()
        return server.url + NO_RESYNC
    cluster: RedisCluster = request.getfixturevalue("redis_cluster")
    cluster.flush()
    return cluster.url + NO_RESYNC


def two_processes(server_factory: Any, storage: str) -> list[ServerProcess]:
    servers: list[ServerProcess] = [
        server_factory(storage=storage).start(wait=False) for _ in range(2)
    ]
    for server in servers:
        server.wait_ready()
    return servers


async def test_a_phone_on_one_process_follows_the_host_and_its_own_answer_on_another(
    server_factory: Any, shared_storage: str
) -> None:
    a, b = two_processes(server_factory, shared_storage)
    async with client_for(a) as on_a, client_for(b) as on_b:
        ev = await host_event(on_b, question("Lunch?"), question("Dinner?", "after_close"))
        eid = ev.event_id
        async with (
            open_event_stream(on_a, eid) as newcomer,  # its cookie comes from process A
            open_event_stream(on_a, eid, phone(2)) as other,
            open_event_stream(on_a, eid, ev.host) as console,
        ):
            for stream in (newcomer, other, console):
                await open_snapshot(stream)
            cookie = minted_cookie(newcomer)

            await ev.open("q1")  # on B, as every host request here
            await ev.present("q1")
            for stream in (newcomer, other):
                update: Frame = await stream.next_event()
                while update.data["presenting"] != "q1":
                    update = await stream.next_event()
                q1 = shown(update)["q1"]
                assert q1["status"] == "open" and q1["answered"] is False
                assert "results" not in q1

            assert (await ev.answer("q1", cookie, "2")).status_code == 201  # on B
            mine = await newcomer.next_event(timeout=5)
            q1 = shown(mine)["q1"]
            assert q1["answered"] is True
            assert q1["results"]["totalVotes"] == 1
            assert [c["voteCount"] for c in q1["results"]["choices"]] == [0, 1, 0]
            without_counters(mine)  # every count in view, and still the host's counters
            counted = await console.next_event(timeout=5)
            while shown(counted)["q1"].get("results", {}).get("totalVotes") != 1:
                counted = await console.next_event(timeout=5)
            assert counted.id == counted.data["version"]
            assert await other.quiet(0.5) == []  # nothing it may see changed

            # Another process's phones answer too; the one who may not see counts hears
            # nothing of them, and the newcomer sees each count on its open connection.
            for n in range(3, 8):
                assert (await ev.answer("q1", phone(n), "1")).status_code == 201
            seen = mine
            while shown(seen)["q1"]["results"]["totalVotes"] < 6:
                seen = await newcomer.next_event(timeout=5)
            assert [c["voteCount"] for c in shown(seen)["q1"]["results"]["choices"]] == [5, 1, 0]
            without_counters(seen)
            assert await other.quiet(0.3) == []

            await ev.post("/present", {"questionId": "q2"}, status=409)  # a draft still
            await ev.open("q2")
            await ev.present("q2")
            for stream in (newcomer, other):
                update = await stream.next_event(timeout=5)
                while update.data["presenting"] != "q2":
                    update = await stream.next_event(timeout=5)
                assert shown(update)["q2"]["status"] == "open"

    for server in (a, b):
        assert "Traceback" not in server.log()
