"""Instructions per request of tohyo's own vote path and of GET /healthz, by valgrind.

    .venv/bin/python bench/vote_path_instructions.py [--storage memory://] [--small 2000]
    PYTHONPATH=/path/to/other/tree .venv/bin/python bench/vote_path_instructions.py

On a shared or virtual machine CPU time per request moves by ±10 % between runs (other
processes' cache traffic, the hypervisor); an instruction count does not. This runs
bench/vote_path_cost.py's in-process driver under `valgrind --tool=cachegrind` twice per
request kind, with --small and 3 × --small requests, and reports the difference per
request: start-up and warm-up cancel out. Every thread counts (the SQLite commit thread
too), so with SQLite the vote's share of each group commit is in. Valgrind runs the
threads one at a time, so batches are not the server's: read the SQLite figure as
"per vote, at about 50 per commit". Needs valgrind (apt-get install valgrind).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def instructions(kind: str, requests: int, storage: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "cachegrind.out"
        cmd = [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            f"--cachegrind-out-file={out}",
            sys.executable,
            str(BENCH / "vote_path_cost.py"),
            "--only",
            kind,
            "--requests",
            str(requests),
            "--runs",
            "1",
        ]
        if storage:
            cmd += ["--storage", storage]
        done = subprocess.run(cmd, capture_output=True, text=True, env=os.environ, check=True)
        found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
        assert found, done.stderr[-2000:]
        return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--storage", default="", help="default: a fresh SQLite file")
    parser.add_argument("--small", type=int, default=2000)
    args = parser.parse_args()
    large = 3 * args.small
    print(f"instructions per request ({args.storage or 'SQLite'}, valgrind):")
    for kind in ("healthz", "vote"):
        few, many = (instructions(kind, n, args.storage) for n in (args.small, large))
        print(f"  {kind:8} {(many - few) / (large - args.small):10,.0f}")


if __name__ == "__main__":
    main()
