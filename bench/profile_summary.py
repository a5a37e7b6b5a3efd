"""Summarise a py-spy speedscope profile: where each thread's samples go.

    .venv/bin/python bench/profile_summary.py bench/results/profile-...speedscope.json [--top 15]

py-spy (without --idle) records a thread only while it is not idle, so a thread's samples
are its busy time, including time runnable but waiting for the core. Time in C code
(uvloop, httptools, sqlite3, OpenSSL) and in system calls is charged to the Python line
that called it: `Runner.run` is uvloop's own loop (epoll, recv, callbacks' C glue), a
`transport.write` line is the socket send, `_write`'s COMMIT line is WAL write + fsync.

For every thread: self time by function, by line (top lines), and by module.
Shares are "% of all samples" (both threads) and "% of the thread's samples".
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

PREFIXES = ("site-packages/", "lib/python3.11/", "/work/main/")


def short(path: str) -> str:
    for marker in PREFIXES:
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def module(path: str) -> str:
    p = short(path)
    if p.startswith("tohyo/"):
        return p
    return p.split("/", 1)[0] if "/" in p else p


def table(title: str, counts: Counter[str], n: int, grand: int, top: int) -> None:
    print(f"| {title} | % of all | % of thread |")
    print("|---|---:|---:|")
    for name, count in counts.most_common(top):
        print(f"| {name} | {100 * count / grand:.1f} | {100 * count / n:.1f} |")
    print()


def summarise(path: Path, top: int) -> None:
    doc = json.loads(path.read_text())
    frames: list[dict[str, Any]] = doc["shared"]["frames"]
    profiles = doc["profiles"]
    grand = sum(len(p["samples"]) for p in profiles)
    print(f"# {path.name}: {grand} samples, {len(profiles)} threads\n")
    for p in profiles:
        samples: list[list[int]] = p["samples"]
        n = len(samples)
        by_function: Counter[str] = Counter()
        by_line: Counter[str] = Counter()
        by_module: Counter[str] = Counter()
        inclusive: Counter[str] = Counter()
        for stack in samples:
            if not stack:
                continue
            leaf = frames[stack[-1]]
            file = str(leaf.get("file") or "")
            by_function[f"{leaf['name']} ({short(file)})"] += 1
            by_line[f"{leaf['name']} ({short(file)}:{leaf.get('line')})"] += 1
            by_module[module(file)] += 1
            seen = set()
            for i in stack:
                f = frames[i]
                f_file = short(str(f.get("file") or ""))
                if f_file.startswith("tohyo/") or "uvicorn/" in f_file:
                    seen.add(f"{f['name']} ({f_file})")
            for name in seen:
                inclusive[name] += 1
        print(f"## {p['name']}: {n} samples = {100 * n / grand:.1f}% of all\n")
        table("self time, by function", by_function, n, grand, top)
        table("self time, by line", by_line, n, grand, top)
        table("self time, by module", by_module, n, grand, top)
        table("inclusive time (tohyo and uvicorn functions)", inclusive, n, grand, top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("profiles", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    for path in args.profiles:
        summarise(path, args.top)


if __name__ == "__main__":
    main()
