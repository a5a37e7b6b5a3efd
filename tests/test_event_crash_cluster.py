"""Durability of event answers over real HTTP with real crashes, on Redis Cluster: the
kill -9 mid-flood across two questions of tests/test_event_crash.py (SQLite and standalone
Redis there), run against three cluster masters.

Every master keeps an append-only file fsynced on every write (appendonly yes, appendfsync
always, as the standalone case configures). `tohyo serve` is killed with SIGKILL in the
middle of the flood and every master right after it, so only their AOFs bring the data
back; the masters restart on the same ports and directories (their nodes.conf holds the
slot map) and the server restarts on the cluster. The checks are the standalone case's,
unchanged: every acknowledged answer counted once, in its round (round 2: the flood came
after a reset); round 1 exactly as it was; the tallies equal the stored responses.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

import tests.test_event_crash as crash
from tests.redis_servers import RedisCluster

pytestmark = pytest.mark.slow

READY_S = 60  # bound on the cluster agreeing again after a restart (a loaded machine too)


class DurableCluster(crash.Durable):
    """A Redis Cluster whose every master fsyncs each write to its AOF; a power cut kills
    every master at once."""

    def __init__(self, cluster: RedisCluster) -> None:
        super().__init__(cluster.url)
        self.cluster = cluster

    def crash(self) -> None:
        for node in self.cluster.nodes:
            node.kill()  # SIGKILL: nothing but the AOF survives

    def recover(self) -> None:
        for node in self.cluster.nodes:
            node.start()  # the same port and directory: its AOF and its nodes.conf
        deadline = time.monotonic() + READY_S
        while not all(cluster_ok(node.client()) for node in self.cluster.nodes):
            if time.monotonic() > deadline:
                raise RuntimeError("the cluster did not agree again after the restart")
            time.sleep(0.05)


def cluster_ok(client: redis.Redis) -> bool:
    try:
        return b"cluster_state:ok" in client.execute_command("CLUSTER", "INFO")
    except redis.ConnectionError:  # still loading its AOF
        return False


@pytest.fixture
def durable_cluster(tmp_path: Path) -> Iterator[DurableCluster]:
    cluster = RedisCluster(tmp_path)
    for node in cluster.nodes:
        node.appendonly = True  # appendfsync always is every node's setting already
    cluster.start()
    try:
        yield DurableCluster(cluster)
    finally:
        cluster.stop()


def test_every_node_keeps_an_aof_fsynced_on_every_write(
    durable_cluster: DurableCluster,
) -> None:
    """What the crash below relies on, read from the running masters themselves."""
    for node in durable_cluster.cluster.nodes:
        config = node.client().config_get("append*")
        assert (config["appendonly"], config["appendfsync"]) == ("yes", "always")


async def test_acknowledged_answers_survive_kill_9_mid_flood_on_redis_cluster(
    server_factory: Any, durable_cluster: DurableCluster
) -> None:
    await crash.test_acknowledged_answers_survive_kill_9_mid_flood_in_their_round(
        server_factory, durable_cluster
    )
