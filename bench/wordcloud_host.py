"""The host's screen in bench/wordcloud_flood.py: one host stream (Bearer token) on the
event, every state frame's arrival time and totalVotes, run as a load process.

    wordcloud_host.py --port P --event ID --token T --question q1

It is a phone's stream reader (`event_phone.Phone`: frames found by their `"presenting":`,
the newest state's `data:` line kept unparsed, totalVotes read by a byte search) that also
notes, for every chunk that held a state frame, when it arrived and the newest frame's
totalVotes. Like the other load processes it talks JSON lines on stdin/stdout (see
loadlib.Child); CLOCK_MONOTONIC is system-wide, so its times compare with the answer
process's.

Commands: `finish {total, timeout}`: wait until the newest frame shows `total` answers,
then report the series and that frame's results; `close`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from array import array
from typing import Any

import loadlib as L
from event_phone import Phone


class HostScreen(Phone):
    """A host stream: a Phone that keeps the time and totalVotes of every state chunk."""

    __slots__ = ("question", "times", "totals")

    def __init__(self, raw_request: bytes, first: asyncio.Future[None], question: str) -> None:
        super().__init__(raw_request, first)
        self.question = question.encode()
        self.times = array("d")
        self.totals = array("q")

    def data_received(self, data: bytes) -> None:
        now = L.monotonic()
        frames = self.frames
        super().data_received(data)
        if self.frames != frames:
            total = self.total_of(self.question)
            self.times.append(now)
            self.totals.append(-1 if total is None else total)

    def final_results(self, question: str) -> dict[str, Any] | None:
        """The newest frame's results of `question`, parsed."""
        try:
            view = json.loads(self.last)
        except ValueError:
            return None
        for q in view.get("questions", ()):
            if q.get("questionId") == question:
                results: dict[str, Any] | None = q.get("results")
                return results
        return None


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


async def _main(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    headers = [("Accept", "text/event-stream"), ("Authorization", f"Bearer {args.token}")]
    raw = L.build_request("GET", f"/api/events/{args.event}/stream", args.port, None, headers)
    first: asyncio.Future[None] = loop.create_future()
    _, screen = await loop.create_connection(
        lambda: HostScreen(raw, first, args.question), L.HOST, args.port
    )
    await asyncio.wait_for(first, 30)
    cpu0 = L.self_cpu_s()
    _say({"ready": True, "total": screen.total_of(screen.question), "bytes": screen.bytes})
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)
        if cmd["cmd"] == "finish":
            total, deadline = int(cmd["total"]), L.monotonic() + float(cmd["timeout"])
            while (
                screen.total_of(screen.question) != total
                and screen.lost is None
                and L.monotonic() < deadline
            ):
                await asyncio.sleep(0.01)
            _say(
                {
                    "times": list(screen.times),
                    "totals": list(screen.totals),
                    "frames": screen.frames,
                    "bytes": screen.bytes,
                    "last_frame_bytes": len(screen.last),
                    "lost": screen.lost,
                    "results": screen.final_results(args.question),
                    "cpu_s": L.self_cpu_s() - cpu0,
                }
            )
        elif cmd["cmd"] == "close":
            break
    if screen.transport is not None:
        screen.transport.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="the host's stream, for wordcloud_flood.py")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--event", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--question", required=True)
    args = parser.parse_args()
    try:
        L.run(_main(args))
    except Exception as error:
        _say({"error": repr(error)})
        raise


if __name__ == "__main__":
    main()
