"""Run every benchmark scenario and write one report: bench/results/latest.md (+ PNG plots).

    .venv/bin/python bench/run_all.py            # full: about 15-20 minutes on 2 cores
    .venv/bin/python bench/run_all.py --smoke    # tiny sizes, 1 run, 1-2 s each: CI's check
    .venv/bin/python bench/run_all.py --only fanout,memory

Scenarios, in order: hot_vote (bench/hot_vote.py), fanout, event_present, wordcloud_flood,
quiz_flood, qa_upvotes (skipped without wrk), memory, sessions, growth, redis_scale (skipped
without redis-server and wrk),
charts, page_weight (the voting page in Chromium; skipped without Debian's chromium and
Playwright). Each runs as its own process with its JSON written to
bench/results/<name>-<stamp>.json; its stdout (the markdown tables) goes into the report,
its stderr (progress) to the terminal.
Exit status 1 if any scenario failed or was inexact, so `--smoke` in CI keeps the bench
from rotting. Without wrk, --smoke skips hot_vote (it needs wrk) and the other scenarios
fall back to the Python load generator; a full run needs wrk.

Plots (matplotlib, optional: `.venv/bin/pip install matplotlib`): fan-out latency p50/p99
vs viewers, and hot-session votes/s vs connections, as bench/results/*.png.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import loadlib as L

SCENARIOS = [
    "hot_vote",
    "fanout",
    "event_present",
    "wordcloud_flood",
    "quiz_flood",
    "qa_upvotes",
    "memory",
    "sessions",
    "growth",
    "redis_scale",
    "charts",
    "page_weight",
]
SMOKE_HOT = [
    "--runs",
    "1",
    "--duration",
    "1",
    "--connections",
    "8",
    "--warmup",
    "0",
    "--quiet-wait",
    "0",
]


def command(name: str, args: argparse.Namespace, out: Path) -> list[str] | None:
    script = L.BENCH / f"{name}.py"
    cmd = [sys.executable, str(script), "--json", str(out)]
    common = ["--server-cpu", args.server_cpu, "--client-cpu", args.client_cpu]
    if args.db_dir:
        common += ["--db-dir", args.db_dir]
    if name == "hot_vote":  # (its server follows --server-src through PYTHONPATH)
        if args.python_load or not L.have("wrk"):
            return None
        extra = SMOKE_HOT if args.smoke else ["--connections", args.hot_connections]
        return cmd + common + extra + args.hot_vote_args.split()
    if name == "qa_upvotes" and (args.python_load or not L.have("wrk")):
        return None
    if name == "redis_scale" and not (L.have("redis-server") and L.have("wrk")):
        return None
    if name == "page_weight" and not have_browser():
        return None
    cmd += common
    if args.server_src:
        cmd += ["--server-src", args.server_src]
    if args.smoke:
        cmd.append("--smoke")
    if args.python_load and name in ("sessions", "growth"):
        cmd.append("--python-load")
    return cmd + getattr(args, f"{name}_args").split()


def have_browser() -> bool:
    """Debian's Chromium and Playwright to drive it (page_weight; never a downloaded one)."""
    import importlib.util

    return Path("/usr/bin/chromium").exists() and importlib.util.find_spec("playwright") is not None


def machine(src: str | None) -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    commit = subprocess.run(
        ["git", "-C", str(L.ROOT), "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if src:
        return (
            f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()},"
            f" Linux {platform.release()}; server from `{src}`; bench from commit `{commit}`"
        )
    dirty = subprocess.run(
        ["git", "-C", str(L.ROOT), "status", "--porcelain", "--", "tohyo"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()},"
        f" Linux {platform.release()}; commit `{commit}`"
        + (" with uncommitted changes in tohyo/" if dirty else "")
    )


# --- plots ----------------------------------------------------------------------------------


def plots(outputs: dict[str, Path], stamp: str, latest: bool) -> list[Path]:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        L.log("matplotlib is not installed: no plots (.venv/bin/pip install matplotlib)")
        return []
    made = []
    fan = outputs.get("fanout")
    if fan and fan.exists():
        data = json.loads(fan.read_text())
        results = data["results"]
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for color, rate in enumerate(sorted({r["rate"] for r in results})):
            ns = sorted({r["viewers"] for r in results if r["rate"] == rate})
            for key, style in (("send_p50_ms", f"C{color}o-"), ("send_p99_ms", f"C{color}s--")):
                ys = [
                    L.median([r[key] for r in results if r["rate"] == rate and r["viewers"] == n])
                    for n in ns
                ]
                ax.plot(ns, ys, style, label=f"{rate} votes, {key[5:8]}")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("viewers on one session")
        ax.set_ylabel("vote sent -> viewer sees it (ms)")
        ax.set_title("Fan-out latency (medians over runs)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        path = L.RESULTS / f"fanout-latency-{stamp}.png"
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        made.append(path)
    hot = outputs.get("hot_vote")
    if hot and hot.exists():
        runs = json.loads(hot.read_text())["runs"]
        conns = sorted({r["connections"] for r in runs})
        fig, ax = plt.subplots(figsize=(7, 4.5))
        for key, label in (("votes_per_s", "votes/s"), ("healthz_per_s", "GET /healthz req/s")):
            ys = [L.median([r[key] for r in runs if r["connections"] == c]) for c in conns]
            ax.plot(conns, ys, "o-", label=label)
        ax.set_xscale("log")
        ax.set_xlabel("connections (wrk -t1)")
        ax.set_ylabel("requests per second")
        ax.set_ylim(bottom=0)
        ax.set_title("Hot session: durable votes/s vs connections (medians)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        path = L.RESULTS / f"hot_vote-throughput-{stamp}.png"
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        made.append(path)
    for path in made if latest else ():  # stable names, for the default report only
        shutil.copyfile(path, L.RESULTS / path.name.replace(f"-{stamp}", "-latest"))
    return made


# --- main -----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="every scenario in a few seconds")
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    parser.add_argument("--skip", default="", help="comma-separated scenarios to leave out")
    parser.add_argument("--server-cpu", default="0")
    parser.add_argument("--client-cpu", default="1")
    parser.add_argument("--db-dir", default=None)
    parser.add_argument(
        "--server-src",
        default=os.environ.get("TOHYO_BENCH_SRC"),
        help="benchmark the server from this source tree (a directory holding tohyo/)",
    )
    parser.add_argument("--markdown", default=str(L.RESULTS / "latest.md"))
    parser.add_argument("--hot-connections", default="10,50,200", help="for hot_vote.py")
    parser.add_argument("--no-plots", action="store_true")
    parser.add_argument(
        "--python-load",
        action="store_true",
        help="as if wrk were missing: skip hot_vote, Python load for sessions and growth",
    )
    for name in SCENARIOS:
        parser.add_argument(
            f"--{name.replace('_', '-')}-args", default="", help=f"extra arguments for {name}"
        )
    args = parser.parse_args()
    chosen = [s for s in args.only.split(",") if s and s not in args.skip.split(",")]
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {SCENARIOS}")

    stamp = time.strftime("%Y%m%d-%H%M%S")
    L.RESULTS.mkdir(exist_ok=True)
    sections: list[str] = []
    outputs: dict[str, Path] = {}
    status: dict[str, str] = {}
    started = time.monotonic()
    for name in chosen:
        out = L.RESULTS / f"{name}-{stamp}.json"
        cmd = command(name, args, out)
        if cmd is None:
            needs = {
                "redis_scale": "wrk and redis-server",
                "page_weight": "chromium and playwright",
            }.get(name, "wrk")
            why = "--python-load" if args.python_load else f"{needs} not installed"
            if os.environ.get("CI") and not args.python_load:
                L.log(f"{name}: it needs {needs}; CI must run it")
                status[name] = "FAILED (missing tools)"
                continue
            L.log(f"{name}: SKIPPED: {why} (apt-get install -y wrk redis-server chromium)")
            status[name] = f"skipped ({why})"
            sections.append(f"## {name}\n\nSkipped: {why}.")
            continue
        L.log(f"=== {name}: {' '.join(cmd[1:])}")
        t0 = time.monotonic()
        env = {**os.environ, **L.server_env(args.server_src)}
        done = subprocess.run(
            cmd, stdout=subprocess.PIPE, text=True, cwd=L.ROOT, env=env, check=False
        )
        seconds = time.monotonic() - t0
        text = "\n".join(
            line for line in done.stdout.splitlines() if not line.startswith("raw results:")
        ).strip()
        outputs[name] = out
        shown = " ".join(
            [
                "python",
                *(
                    str(Path(c).relative_to(L.ROOT)) if c.startswith(str(L.ROOT)) else c
                    for c in cmd[1:]
                ),
            ]
        )
        if done.returncode == 0:
            status[name] = f"ok ({seconds:.0f} s)"
        else:
            status[name] = f"**FAILED** (exit {done.returncode}, {seconds:.0f} s)"
        sections.append(f"<!-- {name} -->\n`{shown}` — {status[name]}\n\n{text or '(no output)'}")
        print(f"{name}: {status[name]}", flush=True)

    default_report = Path(args.markdown).resolve() == (L.RESULTS / "latest.md").resolve()
    images = [] if args.no_plots else plots(outputs, stamp, default_report)
    report = [
        "# tohyo benchmarks" + (" (smoke)" if args.smoke else ""),
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; {machine(args.server_src)};"
        f" server on CPU {args.server_cpu},"
        f" load on CPU {args.client_cpu}; loopback only. Written by `bench/run_all.py"
        + (" --smoke" if args.smoke else "")
        + f"` in {(time.monotonic() - started) / 60:.1f} min;"
        f" raw JSON in bench/results/*-{stamp}.json.",
        "",
        L.table(["scenario", "status"], [[n, s] for n, s in status.items()], "ll"),
        "",
    ]
    for image in images:
        report += [f"![{image.stem}]({image.name})", ""]
    report += [s + "\n" for s in sections]
    md = Path(args.markdown)
    md.parent.mkdir(parents=True, exist_ok=True)
    md.write_text("\n".join(report))
    print(
        f"report: {L.rel(md)}"
        + (f"; plots: {', '.join(L.rel(p) for p in images)}" if images else "")
    )
    failed = [n for n, s in status.items() if "FAILED" in s]
    if failed:
        print(f"failed or inexact: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
