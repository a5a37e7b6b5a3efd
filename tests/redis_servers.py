"""Real Redis servers for tests and benchmarks: standalone and a 3-master Cluster, each on
free loopback ports, in a temporary directory, stopped at the end.

Where no `redis-server` exists the tests that need one skip with the reason — except in
CI (CI=true), where they fail: CI must prove the Redis backend on every run.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.components import unavailable


def free_port(also_free: int = 0) -> int:
    """A free loopback port; with `also_free`, one whose port + also_free is free too
    (a Cluster node's bus listens on port + 10000)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if not also_free:
            return port
        if port + also_free < 65536:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port + also_free))
                except OSError:
                    continue
            return port


def require_redis_server() -> str:
    path = shutil.which("redis-server")
    if path is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    return path


class RedisServer:
    """One `redis-server` on a free port. `appendonly` turns on the AOF (fsync always)."""

    def __init__(self, directory: Path, *, appendonly: bool = False, cluster: bool = False) -> None:
        self.binary = require_redis_server()
        self.port = free_port(10000 if cluster else 0)
        self.directory = directory / f"redis-{self.port}"
        self.directory.mkdir(parents=True)
        self.appendonly = appendonly
        self.cluster = cluster
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.directory),
            "--save", "",
            "--appendonly", "yes" if self.appendonly else "no",
            "--appendfsync", "always",
            "--logfile", "redis.log",
        ]  # fmt: skip
        if self.cluster:
            args += ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.client().ping():
                    return self
            except redis.ConnectionError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start:\n{self.log()}") from None
                time.sleep(0.02)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def log(self) -> str:
        path = self.directory / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def flush(self) -> None:
        self.client().flushall()


class RedisCluster:
    """Three masters, no replicas, joined with `redis-cli --cluster create`."""

    def __init__(self, directory: Path, size: int = 3) -> None:
        self.nodes = [RedisServer(directory, cluster=True) for _ in range(size)]

    @property
    def url(self) -> str:
        return f"redis+cluster://127.0.0.1:{self.nodes[0].port}"

    def start(self) -> RedisCluster:
        for node in self.nodes:
            node.start()
        cli = shutil.which("redis-cli")
        if cli is None:
            pytest.fail("redis-cli is missing (it comes with redis-server)", pytrace=False)
        addresses = [f"127.0.0.1:{n.port}" for n in self.nodes]
        subprocess.run(
            [cli, "--cluster", "create", *addresses, "--cluster-replicas", "0", "--cluster-yes"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        deadline = time.monotonic() + 30
        while not all(b"cluster_state:ok" in n.client().execute_command("CLUSTER", "INFO")
                      for n in self.nodes):  # fmt: skip
            if time.monotonic() > deadline:
                raise RuntimeError("cluster did not become ready")
            time.sleep(0.05)
        return self

    def flush(self) -> None:
        for node in self.nodes:
            node.flush()

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
