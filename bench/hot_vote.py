"""Durable votes/s on ONE hot session, against GET /healthz on the same server.

    .venv/bin/python bench/hot_vote.py [--runs 3] [--duration 10] [--connections 50,200]

For every run and every connection count this starts a fresh `tohyo serve` (new SQLite
file, free port, pinned to one core with taskset), creates a session, warms up, then

1. runs wrk (pinned to the other core) with bench/wrk/vote.lua: every request is a new
   voter POSTing {"choiceIds":["1"]} to the one session;
2. reads the session's totalVotes with the host token and checks it against wrk's counts;
3. runs wrk against GET /healthz with the same connections and duration;

and samples the server's CPU time (per thread) and its core's busy/softirq/steal time from
/proc around both wrk runs, so cost is also reported as server CPU µs per request, which
varies less between runs than req/s. It prints a markdown table of medians and one of
every run, and writes everything as JSON to bench/results/ (git-ignored).

With --profile it then does one more vote run per connection count under py-spy (not in
the medians); summarise those with bench/profile_summary.py.

Exactness: wrk stops at the deadline with one request in flight per connection and never
reads those answers. The server may still commit them (the client just hung up), so the
check is `acked 201s <= totalVotes <= acked 201s + in flight`, with `extra` = totalVotes
- acked reported; any acked vote missing, or any vote beyond what was sent, fails it.

Only the standard library and httpx; wrk and taskset must be on PATH (py-spy in the venv
for --profile).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import loadlib as L

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VOTE_LUA = BENCH / "wrk" / "vote.lua"
PLAIN_LUA = BENCH / "wrk" / "plain.lua"
TICKS = os.sysconf("SC_CLK_TCK")
NOISY = 5.0  # % of the server's core used by other processes that makes a run suspect


# --- the server ---------------------------------------------------------------------------


@dataclass
class Server:
    """loadlib's server, and where serve_instrumented.py writes its commit counts."""

    base: L.Server
    stats: Path | None  # None: a plain server

    @property
    def url(self) -> str:
        return self.base.url

    @property
    def pid(self) -> int:
        return self.base.pid

    def commit_stats(self) -> dict[str, Any]:
        """Ask the instrumented server for its counts since the last ask ({} if plain)."""
        if self.stats is None:
            return {}
        self.stats.unlink(missing_ok=True)
        self.base.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with contextlib.suppress(FileNotFoundError, ValueError):
                result: dict[str, Any] = json.loads(self.stats.read_text())
                return result
            time.sleep(0.02)
        return {}


@contextlib.contextmanager
def serve(args: argparse.Namespace, workdir: Path, tag: str) -> Iterator[Server]:
    """A fresh `tohyo serve` on a new SQLite file and a free port, pinned with taskset
    (with --instrument, the same server with the writer's group commits counted)."""
    stats = workdir / f"{tag}.stats.json"
    program = [sys.executable, str(BENCH / "serve_instrumented.py")] if args.instrument else None
    with L.serve(
        workdir,
        tag,
        server_cpu=args.server_cpu,
        synchronous=args.synchronous,
        env={"TOHYO_BENCH_STATS": str(stats)},
        program=program,
    ) as base:
        yield Server(base, stats if args.instrument else None)


# --- CPU accounting from /proc --------------------------------------------------------------


@dataclass
class ProcSample:
    at: float
    ticks: int  # utime + stime of the whole process
    sys_ticks: int  # stime alone: the kernel's share (sockets, WAL writes, fsync)
    threads: dict[int, tuple[int, int, int]]  # tid -> (ticks, voluntary, involuntary ctx sw)
    write_bytes: int  # bytes the process caused to be sent to the storage layer
    cores: dict[str, list[int]]  # /proc/stat line of each core: user nice system idle ... steal


def _stat(stat_path: Path) -> tuple[int, int]:
    """utime and stime (fields 14 and 15 of /proc/.../stat), in clock ticks."""
    rest = stat_path.read_text().rsplit(")", 1)[1].split()
    return int(rest[11]), int(rest[12])


def _ticks(stat_path: Path) -> int:
    return sum(_stat(stat_path))


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
    utime, stime = _stat(base / "stat")
    cores = {
        parts[0]: [int(x) for x in parts[1:]]
        for parts in (line.split() for line in Path("/proc/stat").read_text().splitlines())
        if parts and parts[0].startswith("cpu") and parts[0] != "cpu"
    }
    return ProcSample(time.monotonic(), utime + stime, stime, threads, write_bytes, cores)


def cpu_usage(pid: int, before: ProcSample, after: ProcSample) -> dict[str, Any]:
    """CPU% of the process, of its main (event-loop) thread and of all other threads."""
    wall = after.at - before.at

    def pct(ticks: int) -> float:
        return round(100.0 * ticks / TICKS / wall, 1)

    main_b, main_a = before.threads.get(pid, (0, 0, 0)), after.threads.get(pid, (0, 0, 0))
    others = {
        tid: tuple(a - b for a, b in zip(v, before.threads.get(tid, (0, 0, 0)), strict=True))
        for tid, v in after.threads.items()
        if tid != pid
    }
    busiest = max(others.values(), key=lambda v: v[0], default=(0, 0, 0))
    return {
        "process": pct(after.ticks - before.ticks),
        "process_sys": pct(after.sys_ticks - before.sys_ticks),
        "main_thread": pct(main_a[0] - main_b[0]),
        "other_threads": pct(sum(v[0] for v in others.values())),
        # The busiest non-main thread is the SQLite writer under vote load.
        "main_ctx_switches": (main_a[1] - main_b[1], main_a[2] - main_b[2]),
        "writer_ctx_switches": busiest[1:],
        "write_bytes": after.write_bytes - before.write_bytes,
        # Per core: how busy it was, and the share the hypervisor stole (noise indicator);
        # softirq time (loopback TCP) is in "busy" but not in the process's own CPU.
        "cores": {
            core: {
                "busy": pct(sum(d) - d[3] - d[4]),
                "softirq": pct(d[6]),
                "steal": pct(d[7]),
            }
            for core, d in (
                (core, [a - b for a, b in zip(after.cores[core], before.cores[core], strict=True)])
                for core in after.cores
                if core in before.cores
            )
        },
    }


# --- wrk ------------------------------------------------------------------------------------


def wrk(
    args: argparse.Namespace,
    url: str,
    script: Path,
    connections: int,
    duration: int,
    script_args: list[str] | None = None,
) -> dict[str, Any]:
    return L.wrk(
        url,
        script,
        connections,
        duration,
        script_args or (),
        client_cpu=args.client_cpu,
        threads=args.threads,
    )


def foreign(
    args: argparse.Namespace, cpu: dict[str, Any], result: dict[str, Any]
) -> dict[str, Any]:
    """Add the share of each benchmark core that other processes took during a wrk run."""
    cores = cpu["cores"]
    seconds = result["duration_us"] / 1e6

    def other(core: str, ours: float) -> float:
        c = cores.get(core)
        if c is None:
            return 0.0
        return round(max(0.0, float(c["busy"] - c["softirq"] - c["steal"] - ours)), 1)

    cpu["foreign_server_core"] = other(f"cpu{args.server_cpu}", cpu["process"])
    cpu["foreign_client_core"] = other(f"cpu{args.client_cpu}", 100 * result["cpu_s"] / seconds)
    return cpu


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
    cpu: dict[str, Any] = field(default_factory=dict)  # during the vote run
    healthz_cpu: dict[str, Any] = field(default_factory=dict)  # during the healthz run
    server_core: str = ""  # "cpu0" when the server is pinned to one core
    profile: str | None = None
    commits: dict[str, Any] = field(default_factory=dict)  # with --instrument

    @property
    def ratio(self) -> float:
        return self.votes_per_s / self.healthz_per_s if self.healthz_per_s else 0.0

    @property
    def cpu_us_per_vote(self) -> float:
        """Server CPU time per acknowledged vote: throughput-independent cost."""
        return 1e4 * self.cpu["process"] / self.votes_per_s if self.votes_per_s else 0.0

    @property
    def cpu_us_per_healthz(self) -> float:
        cpu = self.healthz_cpu.get("process", 0.0)
        return 1e4 * cpu / self.healthz_per_s if self.healthz_per_s else 0.0

    def thread_us(self, which: str) -> tuple[float, float]:
        """CPU µs of the event-loop thread ("main_thread") or of all the others (the
        SQLite commit thread) per vote and per healthz."""
        vote = 1e4 * self.cpu.get(which, 0.0) / self.votes_per_s if self.votes_per_s else 0.0
        health = self.healthz_cpu.get(which, 0.0)
        return vote, 1e4 * health / self.healthz_per_s if self.healthz_per_s else 0.0


errors = L.wrk_errors


def measure(
    args: argparse.Namespace,
    workdir: Path,
    connections: int,
    run: int,
    profile_to: Path | None = None,
) -> Run:
    tag = f"c{connections}-r{run}" + ("-profile" if profile_to else "")
    L.wait_quiet(args)
    with serve(args, workdir, tag) as server:
        if args.warmup > 0:  # on its own session, so the measured one starts from zero
            warm_id, _ = L.create_session(server.base, "Warm-up session")
            wrk(args, server.url, VOTE_LUA, connections, args.warmup, [warm_id])
            wrk(args, server.url + "/healthz", PLAIN_LUA, connections, args.warmup)
        session_id, host_token = L.create_session(server.base, "Hot session benchmark")
        spy = None
        if profile_to is not None:
            py_spy = str(Path(sys.executable).with_name("py-spy"))
            cmd = ["taskset", "-c", args.client_cpu, py_spy, "record", "--pid", str(server.pid)]
            cmd += ["--rate", str(args.profile_rate), "--duration", str(args.duration)]
            cmd += ["--format", "speedscope", "--threads", "--nonblocking", "-o", str(profile_to)]
            spy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(0.5)
        server.commit_stats()  # starts the interval
        before = sample(server.pid)
        vote = wrk(args, server.url, VOTE_LUA, connections, args.duration, [session_id])
        after = sample(server.pid)
        commits = server.commit_stats()
        if spy is not None:
            _, err = spy.communicate(timeout=60)
            if spy.returncode != 0:
                print(f"py-spy failed: {err.decode(errors='replace')}", file=sys.stderr)
        time.sleep(0.3)  # let the last in-flight batch commit before reading the tally
        total = int(L.session_info(server.base, session_id, host_token)["totalVotes"])
        health_before = sample(server.pid)
        health = wrk(args, server.url + "/healthz", PLAIN_LUA, connections, args.duration)
        health_after = sample(server.pid)

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
        cpu=foreign(args, cpu_usage(server.pid, before, after), vote),
        healthz_cpu=foreign(args, cpu_usage(server.pid, health_before, health_after), health),
        server_core=f"cpu{args.server_cpu}" if args.server_cpu.isdigit() else "",
        commits=commits,
        profile=str(profile_to) if profile_to else None,
    )


# --- reporting ------------------------------------------------------------------------------


def derived(r: Run) -> dict[str, float]:
    return {
        "ratio": r.ratio,
        "cpu_us_per_vote": r.cpu_us_per_vote,
        "cpu_us_per_healthz": r.cpu_us_per_healthz,
        "loop_us_per_vote": r.thread_us("main_thread")[0],
        "loop_us_per_healthz": r.thread_us("main_thread")[1],
        "other_us_per_vote": r.thread_us("other_threads")[0],
    }


def foreign_load(r: Run) -> tuple[float, float]:
    """Most % of the server's and of wrk's core that other processes took in either wrk run."""
    server = max(c.get("foreign_server_core", 0.0) for c in (r.cpu, r.healthz_cpu))
    client = max(c.get("foreign_client_core", 0.0) for c in (r.cpu, r.healthz_cpu))
    return server, client


def noisy(r: Run) -> bool:
    server, client = foreign_load(r)
    # Under --profile, py-spy itself runs on wrk's core.
    return server > NOISY or (client > 2 * NOISY and r.profile is None)


def core_use(r: Run) -> str:
    core = r.cpu.get("cores", {}).get(r.server_core)
    if not core:
        return "-"
    server, client = foreign_load(r)
    flag = " **noisy**" if noisy(r) else ""
    return f"{core['busy']}/{core['softirq']}/{core['steal']} | {server}/{client}{flag}"


def per_run_table(runs: list[Run]) -> str:
    lines = [
        "| conns | run | votes/s | p50 ms | p99 ms | 201s | non-201 | in flight | totalVotes"
        " | extra | exact | healthz/s | ratio | CPU% proc (sys) / main / other"
        " | CPU µs/vote | CPU µs/healthz | KB written/vote"
        " | server core % busy/softirq/steal | other processes % server/wrk core |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---:|---:|---|---:|---:|---:|---|---|",
    ]
    for r in runs:
        kb = r.cpu["write_bytes"] / 1024 / max(r.total_votes, 1)
        lines.append(
            f"| {r.connections} | {r.run} | {r.votes_per_s:,.0f} | {r.vote_p50_ms:.2f}"
            f" | {r.vote_p99_ms:.2f} | {r.acked} | {r.non_201} | {r.in_flight}"
            f" | {r.total_votes} | {r.extra} | {'yes' if r.exact else 'NO'}"
            f" | {r.healthz_per_s:,.0f} | {r.ratio:.2f}"
            f" | {r.cpu['process']} ({r.cpu['process_sys']}) / {r.cpu['main_thread']}"
            f" / {r.cpu['other_threads']}"
            f" | {r.cpu_us_per_vote:.0f} | {r.cpu_us_per_healthz:.0f} | {kb:.2f}"
            f" | {core_use(r)} |"
        )
    return "\n".join(lines)


def commit_table(runs: list[Run]) -> str:
    lines = [
        "| conns | run | commits/s | ops per commit | 1-op commits % | largest batch"
        " | writer wall time in batches % |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        c = r.commits
        if not c.get("batches"):
            continue
        lines.append(
            f"| {r.connections} | {r.run} | {c['batches_per_s']:,.0f} | {c['ops_per_batch']:.1f}"
            f" | {100 * c['single_op_batches'] / c['batches']:.0f} | {c['max_batch']}"
            f" | {100 * c['writer_seconds_in_batches'] / c['seconds']:.0f} |"
        )
    return "\n".join(lines)


def median_table(runs: list[Run], connections: list[int]) -> str:
    lines = [
        "| connections | votes/s | p50 ms | p99 ms | healthz req/s | healthz p99 ms"
        " | vote/healthz | non-201 (all runs) | exact | server CPU % (main / writer+other)"
        " | CPU µs/vote | CPU µs/healthz | loop thread µs/vote / µs/healthz"
        " | commit (other) threads µs/vote |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|:-:|---|---:|---:|---:|---:|",
    ]
    for c in connections:
        rs = [r for r in runs if r.connections == c]
        med = statistics.median
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
            f" / {med([r.cpu['other_threads'] for r in rs]):.0f})"
            f" | {med([r.cpu_us_per_vote for r in rs]):.0f}"
            f" | {med([r.cpu_us_per_healthz for r in rs]):.0f}"
            f" | {med([r.thread_us('main_thread')[0] for r in rs]):.0f}"
            f" / {med([r.thread_us('main_thread')[1] for r in rs]):.0f}"
            f" | {med([r.thread_us('other_threads')[0] for r in rs]):.0f} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", default="50,200", help="comma-separated, e.g. 50,200")
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads; 1 fits the single client core"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=2,
        help="seconds of votes and healthz before measuring (0: none)",
    )
    parser.add_argument("--server-cpu", default="0", help="taskset CPU list for the server")
    parser.add_argument("--client-cpu", default="1", help="taskset CPU list for wrk (and py-spy)")
    parser.add_argument(
        "--synchronous",
        choices=["full", "normal", "extra"],
        default=None,
        help="SQLite synchronous option; default: the server's (FULL)",
    )
    parser.add_argument(
        "--db-dir",
        default=None,
        help="where the SQLite files go (a real disk, not tmpfs; default /tmp)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases and server logs")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="after the measured runs, one extra vote run per connection count "
        "under py-spy (speedscope files in bench/results/)",
    )
    parser.add_argument("--profile-rate", type=int, default=250, help="py-spy samples/s")
    parser.add_argument(
        "--instrument",
        action="store_true",
        help="run the server through bench/serve_instrumented.py and report commits/s and "
        "votes per commit of the SQLite writer",
    )
    parser.add_argument(
        "--quiet-below",
        type=float,
        default=10.0,
        help="before each run, wait until both cores are less busy than this (percent)",
    )
    parser.add_argument("--quiet-wait", type=float, default=120.0, help="...for at most this (s)")
    parser.add_argument("--json", default=None, help="results file (default bench/results/...)")
    args = parser.parse_args()
    connections = [int(c) for c in args.connections.split(",") if c]

    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} is not on PATH (apt-get install -y {tool})")
    if args.profile and not Path(sys.executable).with_name("py-spy").exists():
        parser.error("--profile needs py-spy in the venv (.venv/bin/pip install py-spy)")
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")

    runs: list[Run] = []
    profiles: list[Run] = []
    with L.workdir(args, "bench") as workdir:
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

    sync = (args.synchronous or "full").upper()
    print(
        f"\n## Hot-session votes vs GET /healthz (SQLite synchronous={sync}, "
        f"{args.runs} runs x {args.duration:g}s, wrk -t{args.threads}, "
        f"server on CPU {args.server_cpu}, wrk on CPU {args.client_cpu})\n"
    )
    if runs:
        print("Medians:\n")
        print(median_table(runs, connections))
        print("\nEvery run:\n")
        print(per_run_table(runs))
        suspect = [f"c={r.connections} run {r.run}" for r in runs if noisy(r)]
        if suspect:
            print(
                f"\nwarning: other processes took >{NOISY:g}% of the server's core or"
                f" >{2 * NOISY:g}% of wrk's in: {', '.join(suspect)}; re-run on a quiet machine"
            )
    if any(r.commits for r in runs):
        print("\nSQLite group commits during the vote runs (--instrument):\n")
        print(commit_table(runs))
    if profiles:
        print("\nProfiled runs (py-spy attached; slower, not in the medians):\n")
        print(per_run_table(profiles))
    out = Path(args.json) if args.json else results_dir / f"hot_vote-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "args": vars(args),
                "runs": [asdict(r) | derived(r) for r in runs],
                "profiles": [asdict(r) | derived(r) for r in profiles],
            },
            indent=2,
        )
    )
    print(f"\nraw results: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if args.keep:
        print(f"databases and server logs kept in {workdir}")
    return 0 if all(r.exact and r.non_201 == 0 for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
