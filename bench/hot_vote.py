"""Durable votes/s on ONE hot session, against GET /healthz on the same server.

    .venv/bin/python bench/hot_vote.py [--runs 3] [--duration 10] [--connections 50,200]

For every run and every connection count this starts a fresh `tohyo serve` (new SQLite
file, free port, pinned to one core with taskset), creates a session, warms up, then

1. runs wrk (pinned to the other core) with bench/wrk/vote.lua: every request is a new
   voter POSTing {"choiceIds":["1"]} to the one session;
2. reads the session's totalVotes with the host token and checks it against wrk's counts;
3. runs wrk against GET /healthz with the same connections and duration;

and samples the server's CPU time from /proc around the vote run. It prints a per-run
table and a markdown table of medians, and writes everything as JSON to bench/results/.

Exactness: wrk stops at the deadline with one request in flight per connection and never
reads those answers. The server may still commit them (the client just hung up), so the
check is `acked 201s <= totalVotes <= acked 201s + in flight`, with `extra` = totalVotes
- acked reported; any acked vote missing, or any vote beyond what was sent, fails it.

Only the standard library and httpx; wrk and taskset must be on PATH.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VOTE_LUA = BENCH / "wrk" / "vote.lua"
PLAIN_LUA = BENCH / "wrk" / "plain.lua"
TICKS = os.sysconf("SC_CLK_TCK")
HOST = "127.0.0.1"  # loopback only, always


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    url: str
    db: Path
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid


@contextlib.contextmanager
def serve(args: argparse.Namespace, workdir: Path, tag: str) -> Iterator[Server]:
    """A fresh `tohyo serve` on a new SQLite file and a free port, pinned with taskset."""
    db = workdir / f"{tag}.db"
    log = workdir / f"{tag}.log"
    port = free_port()
    storage = f"sqlite:///{db}"
    if args.synchronous:
        storage += f"?synchronous={args.synchronous}"
    tohyo = Path(sys.executable).with_name("tohyo")
    cmd = ["taskset", "-c", args.server_cpu, str(tohyo), "serve", "--host", HOST]
    cmd += ["--port", str(port), "--storage", storage]
    with log.open("wb") as out:
        # taskset execs the server, so the pid we get is the server's own.
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    server = Server(proc, f"http://{HOST}:{port}", db, log)
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited ({proc.returncode}):\n{log.read_text()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(server.url + "/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not answer /healthz:\n{log.read_text()}")
            time.sleep(0.05)
        yield server
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def create_session(server: Server) -> tuple[str, str]:
    draft = {
        "question": "Hot session benchmark",
        "voteType": "single",
        "choices": [{"text": "Yes"}, {"text": "No"}],
    }
    r = httpx.post(server.url + "/api/vote/", json=draft, timeout=10)
    r.raise_for_status()
    body = r.json()
    return body["sessionId"], body["hostToken"]


def total_votes(server: Server, session_id: str, host_token: str) -> int:
    r = httpx.get(
        f"{server.url}/api/vote/{session_id}",
        headers={"Authorization": f"Bearer {host_token}"},
        timeout=10,
    )
    r.raise_for_status()
    return int(r.json()["totalVotes"])


# --- CPU accounting from /proc --------------------------------------------------------------


@dataclass
class ProcSample:
    at: float
    ticks: int  # utime + stime of the whole process
    threads: dict[int, tuple[int, int, int]]  # tid -> (ticks, voluntary, involuntary ctx sw)
    write_bytes: int  # bytes the process caused to be sent to the storage layer


def _ticks(stat_path: Path) -> int:
    # Fields after the parenthesised comm; utime and stime are fields 14 and 15.
    rest = stat_path.read_text().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])


def _switches(status_path: Path) -> tuple[int, int]:
    vol = invol = 0
    for line in status_path.read_text().splitlines():
        if line.startswith("voluntary_ctxt_switches:"):
            vol = int(line.split()[1])
        elif line.startswith("nonvoluntary_ctxt_switches:"):
            invol = int(line.split()[1])
    return vol, invol


def sample(pid: int) -> ProcSample:
    base = Path(f"/proc/{pid}")
    threads = {}
    for task in (base / "task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            threads[int(task.name)] = (_ticks(task / "stat"), *_switches(task / "status"))
    write_bytes = 0
    with contextlib.suppress(OSError):
        for line in (base / "io").read_text().splitlines():
            if line.startswith("write_bytes:"):
                write_bytes = int(line.split()[1])
    return ProcSample(time.monotonic(), _ticks(base / "stat"), threads, write_bytes)


def cpu_usage(pid: int, before: ProcSample, after: ProcSample) -> dict[str, Any]:
    """CPU% of the process, of its main (event-loop) thread and of all other threads."""
    wall = after.at - before.at
    pct = lambda ticks: round(100.0 * ticks / TICKS / wall, 1)  # noqa: E731
    main_b, main_a = before.threads.get(pid, (0, 0, 0)), after.threads.get(pid, (0, 0, 0))
    others = {
        tid: tuple(a - b for a, b in zip(v, before.threads.get(tid, (0, 0, 0)), strict=True))
        for tid, v in after.threads.items()
        if tid != pid
    }
    busiest = max(others.values(), key=lambda v: v[0], default=(0, 0, 0))
    return {
        "process": pct(after.ticks - before.ticks),
        "main_thread": pct(main_a[0] - main_b[0]),
        "other_threads": pct(sum(v[0] for v in others.values())),
        # The busiest non-main thread is the SQLite writer under vote load.
        "main_ctx_switches": (main_a[1] - main_b[1], main_a[2] - main_b[2]),
        "writer_ctx_switches": busiest[1:],
        "write_bytes": after.write_bytes - before.write_bytes,
    }


# --- wrk ------------------------------------------------------------------------------------


def wrk(args: argparse.Namespace, url: str, script: Path, connections: int, duration: int,
        script_args: list[str] | None = None) -> dict[str, Any]:
    cmd = ["taskset", "-c", args.client_cpu, "wrk", f"-t{args.threads}", f"-c{connections}"]
    cmd += [f"-d{duration}s", "--latency", "--timeout", "10s", "-s", str(script), url]
    if script_args:
        cmd += ["--", *script_args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result: dict[str, Any] = json.loads(line[len("BENCH_JSON ") :])
            result["output"] = done.stdout
            return result
    raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


# --- one measured run -----------------------------------------------------------------------


@dataclass
class Run:
    connections: int
    run: int
    votes_per_s: float
    vote_p50_ms: float
    vote_p99_ms: float
    acked: int
    non_201: int
    socket_errors: int
    in_flight: int
    total_votes: int
    extra: int
    exact: bool
    healthz_per_s: float
    healthz_p50_ms: float
    healthz_p99_ms: float
    healthz_errors: int
    cpu: dict[str, Any] = field(default_factory=dict)
    profile: str | None = None

    @property
    def ratio(self) -> float:
        return self.votes_per_s / self.healthz_per_s if self.healthz_per_s else 0.0


def errors(result: dict[str, Any]) -> int:
    return sum(result["errors"][k] for k in ("connect", "read", "write", "timeout"))


def measure(args: argparse.Namespace, workdir: Path, connections: int, run: int,
            profile_to: Path | None = None) -> Run:
    tag = f"c{connections}-r{run}" + ("-profile" if profile_to else "")
    with serve(args, workdir, tag) as server:
        if args.warmup > 0:  # on its own session, so the measured one starts from zero
            warm_id, _ = create_session(server)
            wrk(args, server.url, VOTE_LUA, connections, args.warmup, [warm_id])
            wrk(args, server.url + "/healthz", PLAIN_LUA, connections, args.warmup)
        session_id, host_token = create_session(server)
        spy = None
        if profile_to is not None:
            spy = subprocess.Popen(
                ["taskset", "-c", args.client_cpu, str(Path(sys.executable).with_name("py-spy")),
                 "record", "--pid", str(server.pid), "--rate", str(args.profile_rate),
                 "--duration", str(int(args.duration)), "--format", "speedscope",
                 "--threads", "--output", str(profile_to), "--nonblocking"],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )
            time.sleep(0.5)
        before = sample(server.pid)
        vote = wrk(args, server.url, VOTE_LUA, connections, args.duration, [session_id])
        after = sample(server.pid)
        if spy is not None:
            _, err = spy.communicate(timeout=60)
            if spy.returncode != 0:
                print(f"py-spy failed: {err.decode(errors='replace')}", file=sys.stderr)
        time.sleep(0.3)  # let the last in-flight batch commit before reading the tally
        total = total_votes(server, session_id, host_token)
        health = wrk(args, server.url + "/healthz", PLAIN_LUA, connections, args.duration)

    seconds = vote["duration_us"] / 1e6
    acked = int(vote["ok"])
    in_flight = int(vote["sent"]) - acked - int(vote["non_ok"])
    return Run(
        connections=connections,
        run=run,
        votes_per_s=round(acked / seconds, 1),
        vote_p50_ms=vote["latency_us"]["p50"] / 1000,
        vote_p99_ms=vote["latency_us"]["p99"] / 1000,
        acked=acked,
        non_201=int(vote["non_ok"]),
        socket_errors=errors(vote),
        in_flight=in_flight,
        total_votes=total,
        extra=total - acked,
        exact=acked <= total <= acked + in_flight,
        healthz_per_s=round(health["requests"] / (health["duration_us"] / 1e6), 1),
        healthz_p50_ms=health["latency_us"]["p50"] / 1000,
        healthz_p99_ms=health["latency_us"]["p99"] / 1000,
        healthz_errors=errors(health) + int(health["errors"]["status"]),
        cpu=cpu_usage(server.pid, before, after),
        profile=str(profile_to) if profile_to else None,
    )


# --- reporting ------------------------------------------------------------------------------


def per_run_table(runs: list[Run]) -> str:
    lines = [
        "| conns | run | votes/s | p50 ms | p99 ms | 201s | non-201 | in flight | totalVotes"
        " | extra | exact | healthz/s | ratio | CPU% proc/main/other | KB written/vote |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|---:|---|---:|",
    ]
    for r in runs:
        kb = r.cpu["write_bytes"] / 1024 / max(r.total_votes, 1)
        lines.append(
            f"| {r.connections} | {r.run} | {r.votes_per_s:,.0f} | {r.vote_p50_ms:.2f}"
            f" | {r.vote_p99_ms:.2f} | {r.acked} | {r.non_201} | {r.in_flight}"
            f" | {r.total_votes} | {r.extra} | {'yes' if r.exact else 'NO'}"
            f" | {r.healthz_per_s:,.0f} | {r.ratio:.2f}"
            f" | {r.cpu['process']}/{r.cpu['main_thread']}/{r.cpu['other_threads']}"
            f" | {kb:.2f} |"
        )
    return "\n".join(lines)


def median_table(runs: list[Run], connections: list[int]) -> str:
    lines = [
        "| connections | votes/s | p50 ms | p99 ms | healthz req/s | healthz p99 ms"
        " | vote/healthz | non-201 (all runs) | exact | server CPU % (main / writer+other) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---|",
    ]
    for c in connections:
        rs = [r for r in runs if r.connections == c]
        med = lambda xs: statistics.median(xs)  # noqa: E731
        exact = sum(r.exact for r in rs)
        lines.append(
            f"| {c} | {med([r.votes_per_s for r in rs]):,.0f}"
            f" | {med([r.vote_p50_ms for r in rs]):.2f} | {med([r.vote_p99_ms for r in rs]):.2f}"
            f" | {med([r.healthz_per_s for r in rs]):,.0f}"
            f" | {med([r.healthz_p99_ms for r in rs]):.2f}"
            f" | {med([r.ratio for r in rs]):.2f}"
            f" | {sum(r.non_201 + r.socket_errors for r in rs)}"
            f" | {exact}/{len(rs)}"
            f" | {med([r.cpu['process'] for r in rs]):.0f}"
            f" ({med([r.cpu['main_thread'] for r in rs]):.0f}"
            f" / {med([r.cpu['other_threads'] for r in rs]):.0f}) |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", default="50,200", help="comma-separated, e.g. 50,200")
    parser.add_argument("--threads", type=int, default=1,
                        help="wrk threads; 1 fits the single client core")
    parser.add_argument("--warmup", type=int, default=2,
                        help="seconds of votes and healthz before measuring (0: none)")
    parser.add_argument("--server-cpu", default="0", help="taskset CPU list for the server")
    parser.add_argument("--client-cpu", default="1", help="taskset CPU list for wrk (and py-spy)")
    parser.add_argument("--synchronous", choices=["full", "normal", "extra"], default=None,
                        help="SQLite synchronous option; default: the server's (FULL)")
    parser.add_argument("--db-dir", default=None,
                        help="where the SQLite files go (a real disk, not tmpfs; default /tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the databases and server logs")
    parser.add_argument("--profile", action="store_true",
                        help="after the measured runs, one extra vote run per connection count "
                             "under py-spy (speedscope files in bench/results/)")
    parser.add_argument("--profile-rate", type=int, default=250, help="py-spy samples/s")
    parser.add_argument("--json", default=None, help="results file (default bench/results/...)")
    args = parser.parse_args()
    connections = [int(c) for c in args.connections.split(",") if c]

    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not on PATH (apt-get install -y {tool})")
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    workdir = Path(tempfile.mkdtemp(prefix="tohyo-bench-", dir=args.db_dir))

    runs: list[Run] = []
    profiles: list[Run] = []
    try:
        for run in range(1, args.runs + 1):
            for c in connections:
                r = measure(args, workdir, c, run)
                runs.append(r)
                print(
                    f"run {run} c={c}: {r.votes_per_s:,.0f} votes/s (p50 {r.vote_p50_ms:.2f} ms,"
                    f" p99 {r.vote_p99_ms:.2f} ms), healthz {r.healthz_per_s:,.0f}/s,"
                    f" ratio {r.ratio:.2f}, totalVotes {r.total_votes} vs 201s {r.acked}"
                    f" (+{r.extra}, in flight {r.in_flight}) exact={r.exact},"
                    f" server CPU {r.cpu['process']}%",
                    file=sys.stderr,
                    flush=True,
                )
        if args.profile:
            for c in connections:
                target = results_dir / f"profile-{stamp}-c{c}.speedscope.json"
                profiles.append(measure(args, workdir, c, 0, profile_to=target))
                print(f"profile c={c}: {target}", file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    sync = (args.synchronous or "full").upper()
    print(f"\n## Hot-session votes vs GET /healthz (SQLite synchronous={sync}, "
          f"{args.runs} runs x {args.duration:g}s, wrk -t{args.threads}, "
          f"server on CPU {args.server_cpu}, wrk on CPU {args.client_cpu})\n")
    print("Medians:\n")
    print(median_table(runs, connections))
    print("\nEvery run:\n")
    print(per_run_table(runs))
    if profiles:
        print("\nProfiled runs (py-spy attached; slower, not in the medians):\n")
        print(per_run_table(profiles))
    out = Path(args.json) if args.json else results_dir / f"hot_vote-{stamp}.json"
    out.write_text(json.dumps({
        "args": vars(args),
        "runs": [asdict(r) | {"ratio": r.ratio} for r in runs],
        "profiles": [asdict(r) | {"ratio": r.ratio} for r in profiles],
    }, indent=2))
    print(f"\nraw results: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if args.keep:
        print(f"databases and server logs kept in {workdir}")
    return 0 if all(r.exact and r.non_201 == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
