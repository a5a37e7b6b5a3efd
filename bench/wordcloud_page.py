"""The host's page in bench/wordcloud_flood.py: the host console (`/e/{id}/host`, opened
from the host link, as a host would) in headless Chromium during the flood, and the main
thread's long tasks there. Run as a load process (see loadlib.Child):

    wordcloud_page.py --url 'http://127.0.0.1:P/e/ID/host#host=TOKEN'

Before the page's own scripts run, an init script starts a PerformanceObserver of
`longtask` entries (a task of 50 ms or more on the page's main thread: a frame's parsing,
drawing the results, a layout), a requestAnimationFrame loop noting the longest time
between two frames (what a person would see as the page freezing), and a timer around
each state frame's handler (EventSource listeners of `update` and `snapshot`: the page's
own script for a frame, without the style, layout and paint that follow it); and the
long animation frames (`long-animation-frame`), the longest split into its scripts and
its style and layout. Commands: `go`
(forget what came before: the page has loaded), `finish {settle}` (wait `settle` s more
for the page to draw the last frame, then report the long tasks since `go`, the longest
frame gap, the page's visible text's size and how many SVG text elements it shows; and
a screenshot to `screenshot` if given), `close`.

Chromium is Debian's, started with the flags of `chromium.py` (those the browser tests
use, and those that keep it off the network), never a downloaded one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from chromium import CHROMIUM, FLAGS

OBSERVE = """
window.__bench = {tasks: [], rafGap: 0, rafLast: 0, since: 0, handled: []};
// Each state frame's handler (the page's own: parse, results, cloud, list), timed.
const listen = EventTarget.prototype.addEventListener;
EventSource.prototype.addEventListener = function (kind, handler, options) {
  if (kind !== "update" && kind !== "snapshot") return listen.call(this, kind, handler, options);
  const timed = function (event) {
    const t0 = performance.now();
    try { return handler.call(this, event); }
    finally { window.__bench.handled.push(performance.now() - t0); }
  };
  return listen.call(this, kind, timed, options);
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__bench.tasks.push([e.startTime, e.duration]);
}).observe({type: "longtask", buffered: true});
// Long animation frames (50 ms or more from a task to the paint), split: scripts, and the
// style and layout before the paint.
window.__bench.frames = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const end = e.startTime + e.duration;
    const scripts = e.scripts.reduce((sum, s) => sum + s.duration, 0);
    const layout = e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0;
    window.__bench.frames.push([e.startTime, e.duration, scripts, layout]);
  }
}).observe({type: "long-animation-frame", buffered: true});
(function frame(now) {
  const b = window.__bench;
  if (b.rafLast && now - b.rafLast > b.rafGap) b.rafGap = now - b.rafLast;
  b.rafLast = now;
  requestAnimationFrame(frame);
})(0);
"""
REPORT = """() => {
  const b = window.__bench;
  const tasks = b.tasks.filter(([start]) => start >= b.since).map(([, d]) => d);
  const frames = b.frames.filter(([start]) => start >= b.since);
  return {tasks, frames, rafGap: b.rafGap, handled: b.handled,
          svgTexts: document.querySelectorAll("svg text").length,
          textChars: document.body.innerText.length};
}"""
GO = """() => { const b = window.__bench; b.since = performance.now(); b.rafGap = 0;
  b.rafLast = 0; b.handled = []; return b.tasks.length; }"""


def _say(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description="the host's page, for wordcloud_flood.py")
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _say(
            {"error": "playwright is not installed (it is a test extra: pip install -e '.[test]')"}
        )
        return
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.add_init_script(OBSERVE)
            t0 = time.monotonic()
            page.goto(args.url, wait_until="load", timeout=60_000)
            page.wait_for_timeout(1000)  # its stream's snapshot drawn
            _say({"ready": True, "load_s": time.monotonic() - t0})
            for line in sys.stdin:
                cmd = json.loads(line)
                if cmd["cmd"] == "go":
                    before = page.evaluate(GO)
                    _say({"went": True, "tasks_before": before})
                elif cmd["cmd"] == "finish":
                    page.wait_for_timeout(1000 * float(cmd.get("settle", 1.0)))
                    report = page.evaluate(REPORT)
                    if cmd.get("screenshot"):
                        page.screenshot(path=cmd["screenshot"], full_page=True)
                    tasks, handled = report["tasks"], sorted(report["handled"])
                    _say(
                        {
                            "longtasks": len(tasks),
                            "longtasks_over_50ms": sum(1 for d in tasks if d > 50),
                            "longtask_max_ms": max(tasks, default=0.0),
                            "longtask_total_ms": sum(tasks),
                            "raf_gap_max_ms": report["rafGap"],
                            "long_frames": len(report["frames"]),
                            "long_frame_max": max(report["frames"], key=lambda f: f[1])[1:]
                            if report["frames"]
                            else None,  # [duration, scripts, style and layout] ms
                            "frames_handled": len(handled),
                            "handler_p50_ms": handled[len(handled) // 2] if handled else None,
                            "handler_max_ms": handled[-1] if handled else None,
                            "svg_texts": report["svgTexts"],
                            "text_chars": report["textChars"],
                        }
                    )
                elif cmd["cmd"] == "close":
                    break
            browser.close()
    except Exception as error:
        _say({"error": repr(error)[:500]})
        raise


if __name__ == "__main__":
    main()
