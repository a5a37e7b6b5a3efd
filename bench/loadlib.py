"""Shared pieces of the benchmark scenarios (fanout, memory, sessions, growth, run_all).

Same conventions as bench/hot_vote.py: a fresh `tohyo serve` per run on a new SQLite file
and a free loopback port, pinned to one core with taskset (the load on the other core);
wait for quiet cores before measuring; CPU and memory read from /proc; medians over runs;
JSON results in bench/results/ (git-ignored). The helpers are copied rather than imported
from hot_vote.py so each script can change on its own.

The load itself is asyncio on raw sockets (uvloop when installed), never an HTTP library
per connection:

- `RawHttp`: one keep-alive HTTP/1.1 connection (optionally pipelined) that parses only
  the status line, Content-Length and the body;
- `run_load`: a fixed count of requests, or as many as fit in a duration, over N such
  connections, with each response's status and receive time;
- `Viewer`: an SSE reader that only scans the stream for `\\nid: <version>` lines and
  keeps the last frame (to check the final tally at the end).

Run as a script, this module is the load *process* that the scenarios start pinned to the
load core: `loadlib.py viewers ...` holds N stream viewers and answers JSON-line commands on
stdin; `loadlib.py voter ...` casts votes at a fixed rate or as fast as it can and writes
every 201's receive time. CLOCK_MONOTONIC is system-wide, so times compare across processes.

Only the standard library (plus uvloop and orjson when present).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import itertools
import json
import math
import os
import resource
import secrets
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
WRK_DIR = BENCH / "wrk"
HOST = "127.0.0.1"  # loopback only, always
TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
NOISY = 5.0  # % of the server's core used by other processes that makes a run suspect
monotonic = time.monotonic


# --- small utilities ------------------------------------------------------------------------


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values)) if values else math.nan


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (nan if empty)."""
    if not sorted_values:
        return math.nan
    k = max(0, min(len(sorted_values) - 1, math.ceil(p / 100 * len(sorted_values)) - 1))
    return float(sorted_values[k])


def table(header: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> str:
    """A markdown table; `align` is one char per column ('l' or 'r', default 'r')."""
    align = align.ljust(len(header), "r")
    out = ["| " + " | ".join(header) + " |"]
    out.append("|" + "|".join("---" if a == "l" else "---:" for a in align) + "|")
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def fmt(value: float, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def raise_nofile() -> int:
    """Raise this process's soft fd limit to the hard limit; return the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = max(soft, 1 << 20)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def have(tool: str) -> bool:
    return shutil.which(tool) is not None


def usable_cpu(cpu: str | None) -> bool:
    """A single CPU number this process may run on (a CPU list is passed on as it is)."""
    if not cpu:
        return False
    return not cpu.isdigit() or int(cpu) in os.sched_getaffinity(0)


def pin(cpu: str | None) -> list[str]:
    """The taskset prefix for a CPU list, or nothing when taskset is missing, the CPU list is
    empty or the CPU does not exist here (a one-core CI box)."""
    return ["taskset", "-c", cpu] if cpu and usable_cpu(cpu) and have("taskset") else []


def results_path(name: str, stamp: str | None = None) -> Path:
    RESULTS.mkdir(exist_ok=True)
    return RESULTS / f"{name}-{stamp or time.strftime('%Y%m%d-%H%M%S')}.json"


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str))


def finish(args: Any, name: str, text: str, data: dict[str, Any], ok: bool) -> int:
    """A bench's ending: its report printed (and written to --markdown), its raw results
    as JSON (to --json, else bench/results/<name>-<time>.json), and its exit status (1
    when a run was inexact)."""
    print(text)
    out = Path(args.json) if args.json else results_path(name)
    write_json(out, {"args": vars(args), **data})
    if args.markdown:
        Path(args.markdown).write_text(text + "\n")
    print(f"\nraw results: {rel(out)}")
    if not ok:
        print("INEXACT: see the exact column", file=sys.stderr)
    return 0 if ok else 1


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def common_args(parser: argparse.ArgumentParser, runs: int) -> None:
    """Flags every scenario shares (the same names as hot_vote.py's)."""
    parser.add_argument("--runs", type=int, default=runs, help=f"runs per point (default {runs})")
    parser.add_argument("--server-cpu", default="0", help="taskset CPU list for the server")
    parser.add_argument("--client-cpu", default="1", help="taskset CPU list for the load")
    parser.add_argument(
        "--synchronous",
        choices=["full", "normal", "extra"],
        default=None,
        help="SQLite synchronous option; default: the server's (FULL)",
    )
    parser.add_argument("--db-dir", default=None, help="where SQLite files go (default /tmp)")
    parser.add_argument(
        "--server-src",
        default=os.environ.get("TOHYO_BENCH_SRC"),
        help="run the server from this source tree (a directory holding tohyo/, e.g. from"
        " `git archive <commit> tohyo | tar -x -C DIR`) instead of the installed one,"
        " via PYTHONPATH [env TOHYO_BENCH_SRC]",
    )
    parser.add_argument("--keep", action="store_true", help="keep databases and server logs")
    parser.add_argument("--quiet-below", type=float, default=10.0, help="quiet core: < this %%")
    parser.add_argument("--quiet-wait", type=float, default=120.0, help="wait at most this (s)")
    parser.add_argument("--json", default=None, help="results file (default bench/results/...)")
    parser.add_argument("--markdown", default=None, help="also write the tables to this file")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes, 1 run, 1-2 s: a few seconds in all; exits 1 on any inexact result",
    )


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    db: Path
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def db_bytes(self) -> int:
        """Size of the database with its WAL (and shared-memory index)."""
        return sum(
            p.stat().st_size
            for p in (self.db, Path(f"{self.db}-wal"), Path(f"{self.db}-shm"))
            if p.exists()
        )


# One machine plays a whole hall here: per-address rate limits would measure the limiter,
# so the bench lifts them (the documented setting for load tests; docs/security.md).
LOAD_TEST_ENV = {"TOHYO_RATE_LIMITS": "false"}


def server_env(src: str | None) -> dict[str, str]:
    """PYTHONPATH for a server run from another source tree (it wins over the editable
    install, whose finder comes after sys.path)."""
    if not src:
        return {}
    src = str(Path(src).resolve())
    if not (Path(src) / "tohyo" / "__init__.py").exists():
        raise SystemExit(f"--server-src {src}: no tohyo/__init__.py there")
    return {
        "PYTHONPATH": src
        + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    }


def server_label(args: argparse.Namespace) -> str:
    return f", server from {args.server_src}" if getattr(args, "server_src", None) else ""


def _raise_nofile_in_child() -> None:
    raise_nofile()


@contextlib.contextmanager
def serve(
    workdir: Path,
    tag: str,
    *,
    server_cpu: str | None = "0",
    synchronous: str | None = None,
    env: dict[str, str] | None = None,
    db: Path | None = None,
    src: str | None = None,
    storage: str | None = None,
    program: list[str] | None = None,
) -> Iterator[Server]:
    """A fresh `tohyo serve` on a (new) SQLite file, or on `storage`, and a free port, pinned
    with taskset, with its fd soft limit raised to the hard limit (10,000 viewers need
    10,000 sockets)."""
    db = db or workdir / f"{tag}.db"
    log_path = workdir / f"{tag}.log"
    port = free_port()
    if storage is None:
        storage = f"sqlite:///{db}"
        if synchronous:
            storage += f"?synchronous={synchronous}"
    program = program or [str(Path(sys.executable).with_name("tohyo"))]
    cmd = [*pin(server_cpu), *program, "serve", "--host", HOST, "--port", str(port)]
    cmd += ["--storage", storage]
    with log_path.open("wb") as out:
        # taskset execs the server, so the pid we get is the server's own.
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env={**os.environ, **LOAD_TEST_ENV, **(env or {}), **server_env(src)},
            preexec_fn=_raise_nofile_in_child,
        )
    server = Server(proc, port, db, log_path)
    try:
        deadline = monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited ({proc.returncode}):\n{log_path.read_text()}")
            with contextlib.suppress(OSError):
                if request(server, "GET", "/healthz", timeout=1)[0] == 200:
                    break
            if monotonic() > deadline:
                raise RuntimeError(f"server did not answer /healthz:\n{log_path.read_text()}")
            time.sleep(0.05)
        yield server
    finally:
        stop(proc)


@contextlib.contextmanager
def workdir(args: argparse.Namespace, name: str) -> Iterator[Path]:
    """A fresh folder for a scenario's databases and logs (under --db-dir), removed at the
    end unless --keep."""
    path = Path(tempfile.mkdtemp(prefix=f"tohyo-{name}-", dir=args.db_dir))
    try:
        yield path
    finally:
        if not args.keep:
            shutil.rmtree(path, ignore_errors=True)


def stop(proc: subprocess.Popen[Any], timeout: float = 20) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- blocking control requests (http.client; not the load) ----------------------------------


def request(
    server: Server,
    method: str,
    path: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
    try:
        raw = None if body is None else json.dumps(body).encode()
        hdrs = dict(headers or {})
        if raw is not None:
            hdrs["Content-Type"] = "application/json"
        conn.request(method, path, body=raw, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        try:
            return resp.status, json.loads(data) if data else None
        except ValueError:
            return resp.status, data
    finally:
        conn.close()


def draft(question: str = "Benchmark session", choices: int = 2) -> dict[str, Any]:
    return {
        "question": question,
        "voteType": "single",
        "choices": [{"text": f"Choice {i}"} for i in range(1, choices + 1)],
    }


def create_session(server: Server, question: str = "Benchmark session") -> tuple[str, str]:
    status, body = request(server, "POST", "/api/vote", draft(question))
    if status != 201:
        raise RuntimeError(f"create: {status} {body}")
    return body["sessionId"], body["hostToken"]


def session_info(server: Server, session_id: str, host_token: str) -> dict[str, Any]:
    status, body = request(
        server, "GET", f"/api/vote/{session_id}", headers={"Authorization": f"Bearer {host_token}"}
    )
    if status != 200:
        raise RuntimeError(f"GET session: {status} {body}")
    result: dict[str, Any] = body
    return result


def count_rows(db: Path, sql: str = "SELECT count(*) FROM sessions") -> int:
    """A count read from a stopped server's SQLite file (read-only)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


# --- /proc: CPU, memory, cores --------------------------------------------------------------


def proc_ticks(pid: int) -> int:
    """utime + stime of a whole process, in clock ticks."""
    rest = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon... of /proc/<pid>/status, in kB."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if value.strip().endswith("kB"):
            out[name] = int(value.split()[0])
    return out


def rss_kb(pid: int) -> int:
    return proc_status(pid)["VmRSS"]


def proc_write_bytes(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/io").read_text().splitlines():
            if line.startswith("write_bytes:"):
                return int(line.split()[1])
    return 0


def core_times() -> dict[str, list[int]]:
    lines = Path("/proc/stat").read_text().splitlines()
    return {p[0]: [int(x) for x in p[1:]] for p in (ln.split() for ln in lines) if p}


@dataclass
class CpuWindow:
    """Server CPU and both cores' busy time over a measured window."""

    pid: int
    at: float = 0.0
    ticks: int = 0
    writes: int = 0
    cores: dict[str, list[int]] = field(default_factory=dict)

    def start(self) -> CpuWindow:
        self.at, self.ticks = monotonic(), proc_ticks(self.pid)
        self.writes, self.cores = proc_write_bytes(self.pid), core_times()
        return self

    def stop(self) -> dict[str, Any]:
        wall = monotonic() - self.at
        ticks, writes, cores = proc_ticks(self.pid), proc_write_bytes(self.pid), core_times()
        busy = {}
        for core, after in cores.items():
            if core == "cpu" or not core.startswith("cpu") or core not in self.cores:
                continue
            d = [a - b for a, b in zip(after, self.cores[core], strict=True)]
            total = max(sum(d), 1)
            busy[core] = {
                "busy": round(100.0 * (total - d[3] - d[4]) / total, 1),
                "softirq": round(100.0 * d[6] / total, 1),
                "steal": round(100.0 * d[7] / total, 1),
            }
        return {
            "seconds": wall,
            "server_cpu_pct": round(100.0 * (ticks - self.ticks) / TICKS / wall, 1),
            "server_cpu_s": (ticks - self.ticks) / TICKS,
            "write_bytes": writes - self.writes,
            "cores": busy,
        }


def core_busy(cores: list[str], seconds: float = 1.0) -> dict[str, float]:
    a = core_times()
    time.sleep(seconds)
    b = core_times()
    busy = {}
    for core in cores:
        d = [y - x for x, y in zip(a[core], b[core], strict=True)]
        busy[core] = 100.0 * (sum(d) - d[3] - d[4]) / max(sum(d), 1)
    return busy


def wait_quiet(args: argparse.Namespace) -> None:
    """Wait (up to --quiet-wait s) until the benchmark's cores are idle; warn if never."""
    if getattr(args, "smoke", False):
        return
    cores = [f"cpu{c}" for c in (args.server_cpu, args.client_cpu) if c.isdigit()]
    deadline = monotonic() + args.quiet_wait
    while cores:
        busy = core_busy(cores)
        if all(v < args.quiet_below for v in busy.values()):
            return
        if monotonic() > deadline:
            log(f"warning: cores still busy {busy}; measuring anyway")
            return
        log(f"waiting for quiet cores: {busy}")
        time.sleep(2)


def foreign_pct(window: dict[str, Any], core: str, ours_pct: float) -> float:
    """% of `core` that processes other than ours took during a window (noise indicator)."""
    c = window["cores"].get(core)
    if c is None:
        return 0.0
    return round(max(0.0, c["busy"] - c["softirq"] - c["steal"] - ours_pct), 1)


def self_cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def py_spy(pid: int, duration: float, target: Path, cpu: str | None) -> subprocess.Popen[bytes]:
    """Start `py-spy record` on `pid` for `duration` s (speedscope format, all threads)."""
    exe = Path(sys.executable).with_name("py-spy")
    if not exe.exists():
        raise RuntimeError("--profile needs py-spy in the venv (.venv/bin/pip install py-spy)")
    RESULTS.mkdir(exist_ok=True)
    cmd = [*pin(cpu), str(exe), "record", "--pid", str(pid), "--rate", "250"]
    cmd += ["--duration", str(max(1, round(duration))), "--format", "speedscope"]
    cmd += ["--threads", "--nonblocking", "-o", str(target)]
    spy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.5)
    return spy


def py_spy_wait(spy: subprocess.Popen[bytes]) -> None:
    _, err = spy.communicate(timeout=120)
    if spy.returncode != 0:
        log(f"py-spy failed: {err.decode(errors='replace')}")


# --- wrk ------------------------------------------------------------------------------------


def wrk(
    url: str,
    script: Path,
    connections: int,
    duration: float,
    script_args: Sequence[str] = (),
    *,
    client_cpu: str | None = "1",
    threads: int = 1,
) -> dict[str, Any]:
    """hot_vote.py's invocation: `taskset -c 1 wrk -t1 -cN -dDs --latency --timeout 10s`."""
    cmd = [*pin(client_cpu), "wrk", f"-t{threads}", f"-c{connections}"]
    cmd += [f"-d{max(1, round(duration))}s", "--latency", "--timeout", "10s", "-s", str(script)]
    cmd += [url]
    if script_args:
        cmd += ["--", *script_args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result: dict[str, Any] = json.loads(line[len("BENCH_JSON ") :])
            result["output"] = done.stdout
            result["cpu_s"] = (after.ru_utime - before.ru_utime) + (
                after.ru_stime - before.ru_stime
            )
            return result
    raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def wrk_errors(result: dict[str, Any]) -> int:
    return sum(int(result["errors"][k]) for k in ("connect", "read", "write", "timeout"))


def use_wrk(args: argparse.Namespace) -> bool:
    """wrk when installed (and not --python-load); otherwise the Python fallback."""
    if getattr(args, "python_load", False):
        return False
    if have("wrk"):
        return True
    if not args.smoke:
        raise SystemExit("wrk is not on PATH (apt-get install -y wrk); --smoke falls back")
    if not getattr(args, "_warned_wrk", False):
        log("wrk is not installed: using the Python load generator (smoke mode only)")
        args._warned_wrk = True
    return False


@contextlib.contextmanager
def pinned_self(cpu: str | None) -> Iterator[None]:
    """Pin this process to `cpu` for a while (the Python fallback load)."""
    if not cpu or not cpu.isdigit() or not usable_cpu(cpu):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {int(cpu)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def drive(
    args: argparse.Namespace,
    server: Server,
    script: str,
    script_args: Sequence[str],
    make_request: Callable[[int], bytes],
    connections: int,
    duration: float,
) -> dict[str, Any]:
    """One load run with wrk (bench/wrk/<script>) or, without wrk, run_load on the load core.
    The result: ok, non_ok, in_flight, seconds, per_s, p50/p99 ms, errors, client CPU s."""
    if use_wrk(args):
        r = wrk(
            server.url,
            WRK_DIR / script,
            connections,
            duration,
            script_args,
            client_cpu=args.client_cpu,
        )
        seconds = r["duration_us"] / 1e6
        ok, non_ok = int(r["ok"]), int(r["non_ok"])
        return {
            "tool": "wrk",
            "ok": ok,
            "non_ok": non_ok,
            "statuses": r["statuses"],
            "in_flight": int(r["sent"]) - ok - non_ok,
            "errors": wrk_errors(r),
            "seconds": seconds,
            "per_s": ok / seconds,
            "p50_ms": r["latency_us"]["p50"] / 1000,
            "p99_ms": r["latency_us"]["p99"] / 1000,
            "client_cpu_s": r["cpu_s"],
        }
    with pinned_self(args.client_cpu):
        res = load(server.port, make_request, concurrency=connections, duration=duration)
    s = res.summary()
    return {
        "tool": "python",
        "ok": res.ok,
        "non_ok": res.not_ok,
        "statuses": s["statuses"],
        "in_flight": 0,
        "errors": sum(res.errors.values()),
        "seconds": res.seconds,
        "per_s": s["per_s"],
        "p50_ms": s["p50_ms"],
        "p99_ms": s["p99_ms"],
        "client_cpu_s": res.cpu_s,
    }


# --- raw-socket HTTP/1.1 load ---------------------------------------------------------------


def build_request(
    method: str,
    path: str,
    port: int,
    body: bytes | None = None,
    headers: Sequence[tuple[str, str]] = (),
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}:{port}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def vote_request(port: int, session_id: str, token: str, choice: str = "1") -> bytes:
    body = b'{"choiceIds":["%s"]}' % choice.encode()
    return build_request(
        "POST", f"/api/vote/{session_id}", port, body, [("Cookie", f"tohyo_voter={token}")]
    )


def create_request(port: int, question: str = "Benchmark session") -> bytes:
    return build_request("POST", "/api/vote", port, json.dumps(draft(question)).encode())


def get_request(port: int, session_id: str, host_token: str) -> bytes:
    auth = [("Authorization", f"Bearer {host_token}")]
    return build_request("GET", f"/api/vote/{session_id}", port, None, auth)


def voter_prefix() -> str:
    """A random prefix for invented voter tokens (16-128 chars of [A-Za-z0-9_-])."""
    return "b" + secrets.token_hex(8)


Response = tuple[int, bytes, float]  # status, body, receive time (monotonic)


class RawHttp(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection; requests may be pipelined, answered in order.

    Only the status line, Content-Length and the body are parsed: the API always sends a
    Content-Length."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.waiting: deque[asyncio.Future[Response]] = deque()
        self.lost: BaseException | None = None

    @classmethod
    async def open(cls, port: int) -> RawHttp:
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_connection(cls, HOST, port)
        return proto

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses (and set TCP_NODELAY).
        self.transport = transport  # type: ignore[assignment]
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, raw: bytes) -> asyncio.Future[Response]:
        fut: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        if self.lost is not None or self.transport is None:
            fut.set_exception(ConnectionError(f"connection lost: {self.lost}"))
            return fut
        self.waiting.append(fut)
        self.transport.write(raw)
        return fut

    def data_received(self, data: bytes) -> None:
        now = monotonic()
        buf = self.buf
        buf += data
        while self.waiting:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end]).lower()
            i = head.find(b"\r\ncontent-length:")
            if i < 0:
                self.fail(ConnectionError(f"response without content-length: {head[:200]!r}"))
                return
            j = head.find(b"\r\n", i + 2)
            length = int(head[i + 17 : j if j > 0 else len(head)])
            start = end + 4
            if len(buf) < start + length:
                return
            status = int(head[9:12])
            body = bytes(buf[start : start + length])
            del buf[: start + length]
            fut = self.waiting.popleft()
            if not fut.done():
                fut.set_result((status, body, now))

    def fail(self, error: BaseException) -> None:
        self.lost = error
        while self.waiting:
            fut = self.waiting.popleft()
            if not fut.done():
                fut.set_exception(error)
        if self.transport is not None:
            self.transport.abort()

    def connection_lost(self, exc: BaseException | None) -> None:
        if self.lost is None:
            self.fail(exc or ConnectionError("closed by the server"))

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


@dataclass
class LoadResult:
    sent: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies: array[float] = field(default_factory=lambda: array("d"))  # seconds
    ack_times: array[float] = field(default_factory=lambda: array("d"))  # of expected statuses
    ack_sent: array[float] = field(default_factory=lambda: array("d"))  # their send times
    bodies: list[bytes] = field(default_factory=list)  # with keep_bodies
    seconds: float = 0.0
    cpu_s: float = 0.0

    @property
    def ok(self) -> int:
        return len(self.ack_times)

    @property
    def not_ok(self) -> int:
        return sum(self.statuses.values()) - self.ok

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        return {
            "sent": self.sent,
            "ok": self.ok,
            "not_ok": self.not_ok,
            "statuses": {str(k): v for k, v in self.statuses.items()},
            "errors": dict(self.errors),
            "seconds": self.seconds,
            "per_s": self.ok / self.seconds if self.seconds else 0.0,
            "p50_ms": 1000 * percentile(lat, 50),
            "p99_ms": 1000 * percentile(lat, 99),
            "cpu_s": self.cpu_s,
        }


async def run_load(
    port: int,
    make_request: Callable[[int], bytes],
    *,
    concurrency: int,
    count: int | None = None,
    duration: float | None = None,
    pipeline: int = 1,
    expect: int = 201,
    keep_bodies: bool = False,
) -> LoadResult:
    """`count` requests (or as many as fit in `duration` s) over `concurrency` connections,
    each with up to `pipeline` requests outstanding. Every request sent is answered before
    this returns (nothing is abandoned in flight, unlike wrk)."""
    assert count is not None or duration is not None
    result = LoadResult()
    numbers = itertools.count()
    t0 = monotonic()
    deadline = None if duration is None else t0 + duration
    cpu0 = self_cpu_s()

    def more() -> int | None:
        if deadline is not None and monotonic() >= deadline:
            return None
        i = next(numbers)
        return i if count is None or i < count else None

    async def worker() -> None:
        conn = await RawHttp.open(port)
        window: deque[tuple[int, float, asyncio.Future[Response]]] = deque()
        try:
            while True:
                while len(window) < pipeline:
                    i = more()
                    if i is None:
                        break
                    raw = make_request(i)
                    result.sent += 1
                    window.append((i, monotonic(), conn.send(raw)))
                if not window:
                    return
                i, sent_at, fut = window.popleft()
                try:
                    status, body, at = await fut
                except (ConnectionError, OSError) as error:
                    result.errors[type(error).__name__] += 1
                    raise
                result.statuses[status] += 1
                result.latencies.append(at - sent_at)
                if status == expect:
                    result.ack_times.append(at)
                    result.ack_sent.append(sent_at)
                    if keep_bodies:
                        result.bodies.append(body)
        finally:
            conn.close()

    outcomes = await asyncio.gather(*(worker() for _ in range(concurrency)), return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            result.errors[f"worker: {outcome!r}"[:120]] += 1
    result.seconds = monotonic() - t0
    result.cpu_s = self_cpu_s() - cpu0
    return result


def new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop  # the load must not be the bottleneck

        return uvloop.new_event_loop()  # type: ignore[no-any-return]
    except ImportError:
        return asyncio.new_event_loop()


def run(coro: Any) -> Any:
    with asyncio.Runner(loop_factory=new_loop) as runner:
        return runner.run(coro)


def load(port: int, make_request: Callable[[int], bytes], **kwargs: Any) -> LoadResult:
    """run_load from blocking code (the orchestrator's own process)."""
    result: LoadResult = run(run_load(port, make_request, **kwargs))
    return result


def create_sessions(
    server: Server, n: int, concurrency: int = 16, pipeline: int = 4
) -> tuple[list[tuple[str, str]], LoadResult]:
    """n sessions via the API as fast as the server takes them: [(id, host token)]."""
    raw = create_request(server.port)
    res = load(
        server.port,
        lambda _: raw,
        concurrency=concurrency,
        count=n,
        pipeline=pipeline,
        keep_bodies=True,
    )
    if res.not_ok or res.errors:
        raise RuntimeError(f"creating {n} sessions: {res.summary()}")
    pairs = []
    for body in res.bodies:
        data = json.loads(body)
        pairs.append((data["sessionId"], data["hostToken"]))
    return pairs, res


def cast_votes(
    server: Server,
    session_id: str,
    n: int,
    concurrency: int = 32,
    pipeline: int = 2,
    prefix: str | None = None,
) -> LoadResult:
    """n votes by n distinct invented voters in one session, as fast as possible."""
    prefix = prefix or voter_prefix()
    res = load(
        server.port,
        lambda i: vote_request(server.port, session_id, f"{prefix}n{i:09d}"),
        concurrency=concurrency,
        count=n,
        pipeline=pipeline,
    )
    if res.not_ok or res.errors:
        raise RuntimeError(f"casting {n} votes: {res.summary()}")
    return res


def read_totals(server: Server, sessions: Sequence[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """GET every session with its host token: {id: {"totalVotes", "version"}}."""
    ids = [s for s, _ in sessions]
    res = load(
        server.port,
        lambda i: get_request(server.port, *sessions[i]),
        concurrency=8,
        count=len(sessions),
        pipeline=1,
        expect=200,
        keep_bodies=True,
    )
    if res.not_ok or res.errors:
        raise RuntimeError(f"reading {len(sessions)} sessions: {res.summary()}")
    out = {}
    for body in res.bodies:
        data = json.loads(body)
        out[data["sessionId"]] = {"totalVotes": data["totalVotes"], "version": data["version"]}
    missing = set(ids) - set(out)
    if missing:
        raise RuntimeError(f"{len(missing)} sessions missing from the read-back")
    return out


# --- SSE viewers ----------------------------------------------------------------------------

ID_MARK = b"\nid: "


class Viewer(asyncio.Protocol):
    """One stream viewer that only scans for `\\nid: <version>` and keeps the last frame.

    `versions`/`times` record each event's version and receive time (monotonic) while
    `recording`; `version` is the newest seen, `last` the newest frame's bytes (to read its
    totalVotes at the end)."""

    __slots__ = (
        "bytes",
        "connected",
        "first",
        "last",
        "lost",
        "raw",
        "recording",
        "status",
        "tail",
        "times",
        "transport",
        "version",
        "versions",
    )

    def __init__(self, raw_request: bytes, first: asyncio.Future[None]) -> None:
        self.transport: asyncio.Transport | None = None
        self.raw = raw_request
        self.first = first  # resolved at the first event (the snapshot)
        self.tail = b""
        self.version = 0
        self.versions = array("q")
        self.times = array("d")
        self.last = b""
        self.bytes = 0
        self.status = 0
        self.recording = False
        self.lost: str | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.raw)

    def data_received(self, data: bytes) -> None:
        now = monotonic()
        self.bytes += len(data)
        if not self.status:
            self.status = int(data[9:12]) if data.startswith(b"HTTP/1.1 ") else -1
            if self.status != 200:
                self.lost = f"status {self.status}: {data[:300]!r}"
                if not self.first.done():
                    self.first.set_exception(ConnectionError(self.lost))
                if self.transport is not None:
                    self.transport.close()
                return
        buf = self.tail + data if self.tail else data
        pos = buf.find(ID_MARK)
        if pos < 0:
            self.tail = buf[-4:]
            if self.last and not self._data_complete() and len(self.last) < 65536:
                self.last += data
            return
        while pos >= 0:
            end = buf.find(b"\n", pos + 5)
            if end < 0:  # the id line is cut: keep it for the next chunk
                self.tail = buf[pos:]
                return
            version = int(buf[pos + 5 : end])
            self.last = buf[pos:]
            if version > self.version:
                self.version = version
                if self.recording:
                    self.versions.append(version)
                    self.times.append(now)
                if not self.first.done():
                    self.first.set_result(None)
            pos = buf.find(ID_MARK, end)
        self.tail = buf[-4:]

    def _data_complete(self) -> bool:
        i = self.last.find(b"\ndata: ")
        return i >= 0 and self.last.find(b"\n", i + 7) >= 0

    def connection_lost(self, exc: BaseException | None) -> None:
        if self.lost is None:
            self.lost = repr(exc) if exc else "closed by the server"
        if not self.first.done():
            self.first.set_exception(ConnectionError(self.lost))

    def last_data(self) -> dict[str, Any] | None:
        i = self.last.find(b"\ndata: ")
        if i < 0:
            return None
        j = self.last.find(b"\n", i + 7)
        if j < 0:
            return None
        try:
            data: dict[str, Any] = json.loads(self.last[i + 7 : j])
            return data
        except ValueError:
            return None


async def open_viewers(
    port: int, session_id: str, host_token: str | None, n: int, parallel: int = 256
) -> tuple[list[Viewer], float]:
    """Open n viewers, at most `parallel` connecting at a time; each counts as connected
    once its snapshot arrived. Returns (viewers, seconds)."""
    loop = asyncio.get_running_loop()
    headers = [("Accept", "text/event-stream")]
    if host_token:
        headers.append(("Authorization", f"Bearer {host_token}"))
    raw = build_request("GET", f"/api/vote/{session_id}/stream", port, None, headers)
    viewers: list[Viewer] = []
    gate = asyncio.Semaphore(parallel)
    t0 = monotonic()

    async def one() -> None:
        async with gate:
            first: asyncio.Future[None] = loop.create_future()
            for attempt in range(5):
                try:
                    _, viewer = await loop.create_connection(lambda: Viewer(raw, first), HOST, port)
                    break
                except OSError:
                    if attempt == 4:
                        raise
                    await asyncio.sleep(0.2 * (attempt + 1))
            viewers.append(viewer)
            await asyncio.wait_for(first, 60)

    outcomes = await asyncio.gather(*(one() for _ in range(n)), return_exceptions=True)
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    if failures:
        log(f"{len(failures)} of {n} viewers failed to connect; first: {failures[0]!r}")
    return viewers, monotonic() - t0


def latencies(
    viewers: Sequence[Viewer], acks: Sequence[Sequence[float]], base_version: int, budget: int
) -> tuple[array[float], array[float], int, int]:
    """Vote-to-viewer latency over (viewer, vote) pairs, from the 201 and from the send.

    `acks` are (201 receive time, request send time) pairs. The i-th 201 (in receive order,
    at a_i) means at least i of this run's votes were durable at a_i; a viewer has shown it
    at its first event whose version is >= base_version + i (one vote = one version; nothing
    else changes the session). Latency from the 201 = that event's receive time - a_i (what
    the voter sees: can be negative when the server writes events before the 201); from the
    send = the same event time - the send time of that request (end to end: commit included,
    never negative with one vote in flight). With one vote at a time (the fixed-rate voter)
    both are exact per vote; with many in flight they pair the i-th 201 with the i-th
    version, an approximation. Acks are sampled evenly so that viewers x acks <= budget.
    Returns (from 201, from send, in seconds; pairs never seen; acks used)."""
    acks = sorted(acks)
    if not acks or not viewers:
        return array("d"), array("d"), 0, 0
    step = max(1, math.ceil(len(acks) * len(viewers) / budget))
    picked = list(range(step - 1, len(acks), step))
    if picked and picked[-1] != len(acks) - 1:
        picked.append(len(acks) - 1)  # always include the last vote
    from_ack, from_send = array("d"), array("d")
    missing = 0
    for v in viewers:
        versions, times = v.versions, v.times
        k, n = 0, len(versions)
        for idx in picked:
            target = base_version + idx + 1
            while k < n and versions[k] < target:
                k += 1
            if k == n:
                missing += 1
                continue
            from_ack.append(times[k] - acks[idx][0])
            from_send.append(times[k] - acks[idx][1])
    return from_ack, from_send, missing, len(picked)


# --- the load processes (run as `loadlib.py viewers|voter ...`) ----------------------------


class Child:
    """A load process pinned to the load core, talking JSON lines on stdin/stdout: this
    module run as a script, or `script` (another bench module with a main of its own)."""

    def __init__(self, args: Sequence[str], cpu: str | None, script: Path | None = None) -> None:
        program = script or Path(__file__)
        cmd = [*pin(cpu), sys.executable, str(program.resolve()), *args]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, text=True, bufsize=1
        )

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()

    def recv(self, timeout: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError(f"load process gave no answer in {timeout:g} s")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"load process exited ({self.proc.wait()})")
        message: dict[str, Any] = json.loads(line)
        if "error" in message:
            raise RuntimeError(f"load process: {message['error']}")
        return message

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                if self.proc.stdin is not None:
                    self.proc.stdin.close()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def _viewers_main(args: argparse.Namespace) -> None:
    """Hold N viewers; commands: start | finish {final, acks, base, budget, timeout} | close."""
    limit = raise_nofile()
    if limit < args.n + 64:
        _say({"error": f"fd limit {limit} is too low for {args.n} viewers"})
        return
    cpu0 = self_cpu_s()
    viewers, seconds = await open_viewers(
        args.port, args.session, args.token or None, args.n, args.parallel
    )
    ok = [v for v in viewers if v.lost is None and v.version > 0]
    _say(
        {
            "ready": len(ok),
            "failed": args.n - len(ok),
            "connect_s": seconds,
            "connect_cpu_s": self_cpu_s() - cpu0,
            "versions": sorted({v.version for v in ok})[:5],
        }
    )
    started = monotonic()
    cpu_start = self_cpu_s()
    bytes_start = 0
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)
        if cmd["cmd"] == "start":
            for v in viewers:
                v.recording = True
                del v.versions[:]
                del v.times[:]
            started, cpu_start = monotonic(), self_cpu_s()
            bytes_start = sum(v.bytes for v in viewers)
            _say({"started": started})
        elif cmd["cmd"] == "finish":
            # The load window ends now (the voter is done); then wait for the final state.
            window = monotonic() - started
            cpu_window = self_cpu_s() - cpu_start
            final, deadline = int(cmd["final"]), monotonic() + float(cmd["timeout"])
            while monotonic() < deadline:
                if all(v.version >= final or v.lost for v in viewers):
                    break
                await asyncio.sleep(0.02)
            settle = monotonic() - started - window
            acks = json.loads(Path(cmd["acks"]).read_text()) if cmd.get("acks") else []
            lat, lat_send, missing, used = latencies(
                viewers, acks, int(cmd["base"]), int(cmd["budget"])
            )
            lat_sorted = sorted(lat)
            send_sorted = sorted(lat_send)
            del lat_send
            totals = Counter()
            versions = Counter()
            for v in viewers:
                data = v.last_data() or {}
                totals[data.get("totalVotes")] += 1
                versions[v.version] += 1
            events = [len(v.versions) for v in viewers]
            _say(
                {
                    "viewers": len(viewers),
                    "lost": sum(1 for v in viewers if v.lost),
                    "lost_reasons": Counter(v.lost for v in viewers if v.lost).most_common(3),
                    "window_s": window,
                    "settle_s": settle,
                    "cpu_s": cpu_window,
                    "cpu_pct": 100 * cpu_window / window if window else 0.0,
                    "mbytes": (sum(v.bytes for v in viewers) - bytes_start) / 1e6,
                    "events_per_viewer": median(events),
                    "events_min": min(events, default=0),
                    "pairs": len(lat),
                    "missing_pairs": missing,
                    "acks_used": used,
                    "p50_ms": 1000 * percentile(lat_sorted, 50),
                    "p90_ms": 1000 * percentile(lat_sorted, 90),
                    "p99_ms": 1000 * percentile(lat_sorted, 99),
                    "max_ms": 1000 * (lat_sorted[-1] if lat_sorted else math.nan),
                    "min_ms": 1000 * (lat_sorted[0] if lat_sorted else math.nan),
                    "send_p50_ms": 1000 * percentile(send_sorted, 50),
                    "send_p90_ms": 1000 * percentile(send_sorted, 90),
                    "send_p99_ms": 1000 * percentile(send_sorted, 99),
                    "send_max_ms": 1000 * (send_sorted[-1] if send_sorted else math.nan),
                    "final_totals": {str(k): n for k, n in totals.items()},
                    "final_versions": {str(k): n for k, n in versions.items()},
                }
            )
        elif cmd["cmd"] == "close":
            break
    lost = sum(1 for v in viewers if v.lost)
    for v in viewers:
        if v.transport is not None:
            v.transport.close()
    await asyncio.sleep(0.1)
    _say({"closed": len(viewers), "lost_before_close": lost})


async def _voter_main(args: argparse.Namespace) -> None:
    """Vote for `duration` s: sequentially at `rate`/s, or as fast as possible (rate 0)
    over `connections`; write every 201's receive time to `out`."""
    prefix = voter_prefix()
    port, session = args.port, args.session

    def make(i: int) -> bytes:
        return vote_request(port, session, f"{prefix}n{i:09d}")

    # Start-up (imports, the first connection) is not part of the measured window.
    warm = await RawHttp.open(port)
    status, _, _ = await warm.send(build_request("GET", "/healthz", port))
    warm.close()
    _say({"ready": status})
    await asyncio.to_thread(sys.stdin.readline)  # "go"
    if args.rate > 0:
        result = LoadResult()
        conn = await RawHttp.open(port)
        cpu0, t0 = self_cpu_s(), monotonic()
        interval = 1.0 / args.rate
        behind = 0
        for i in itertools.count():
            due = t0 + i * interval
            now = monotonic()
            if due >= t0 + args.duration or now >= t0 + args.duration:
                break
            if due > now:
                await asyncio.sleep(due - now)
            elif now - due > interval:
                behind += 1
            sent_at = monotonic()
            result.sent += 1
            status, _, at = await conn.send(make(i))
            result.statuses[status] += 1
            result.latencies.append(at - sent_at)
            if status == 201:
                result.ack_times.append(at)
                result.ack_sent.append(sent_at)
        conn.close()
        result.seconds, result.cpu_s = monotonic() - t0, self_cpu_s() - cpu0
        summary = result.summary() | {"late": behind}
    else:
        result = await run_load(
            port,
            make,
            concurrency=args.connections,
            duration=args.duration,
            pipeline=args.pipeline,
        )
        summary = result.summary()
    # [201 receive time, request send time] per acked vote
    Path(args.out).write_text(json.dumps(list(zip(result.ack_times, result.ack_sent, strict=True))))
    _say(summary)


def main() -> None:
    parser = argparse.ArgumentParser(description="load processes for the bench scenarios")
    sub = parser.add_subparsers(dest="what", required=True)
    v = sub.add_parser("viewers")
    v.add_argument("--port", type=int, required=True)
    v.add_argument("--session", required=True)
    v.add_argument("--token", default="")
    v.add_argument("--n", type=int, required=True)
    v.add_argument("--parallel", type=int, default=256)
    w = sub.add_parser("voter")
    w.add_argument("--port", type=int, required=True)
    w.add_argument("--session", required=True)
    w.add_argument("--rate", type=float, default=0.0)
    w.add_argument("--duration", type=float, required=True)
    w.add_argument("--connections", type=int, default=32)
    w.add_argument("--pipeline", type=int, default=1)
    w.add_argument("--out", required=True)
    args = parser.parse_args()
    try:
        run(_viewers_main(args) if args.what == "viewers" else _voter_main(args))
    except Exception as error:
        _say({"error": repr(error)})
        raise


if __name__ == "__main__":
    main()
