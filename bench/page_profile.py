"""Where a phone's main thread spends the time until a page is usable, for
bench/page_weight.py: one first visit (the phone profile of page_visit.py, CPU 4× slowed)
with a Chromium trace and a V8 CPU profile, both read up to the `tohyo-ready` mark.

- From the trace (the page's renderer main thread, CrRendererMain of the process that
  committed the page): busy time (the union of its tasks), HTML parsing, CSS parsing,
  style, layout, paint, module compilation (per URL), module evaluation (whole graphs:
  V8 evaluates a graph as one event), garbage collection. Events nest (a layout forced by
  a script is inside that script's task), so the rows overlap and do not add up to busy.
- From the CPU profile (sampled every 100 µs): each script's self time by URL — its
  top-level evaluation and the functions it runs — with "(program)" (the engine's own
  work: parsing, style, layout) and "(garbage collector)".
- The main thread's CPU time (the trace's `tdur` of its outermost tasks): what it ran,
  unslowed; busy minus that is time spent waiting for a core or held by the throttling.

All times are as the slowed CPU took them.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import loadlib as L
import page_visit as V

CATEGORIES = [
    "devtools.timeline",
    "disabled-by-default-devtools.timeline",
    "blink.user_timing",
    "v8",
    "v8.execute",
    "blink",
    "blink_style",
    "loading",
    "toplevel",
]
ROWS = {  # report row -> trace event names on the main thread
    "HTML parse": ("ParseHTML",),
    "CSS parse": ("ParseAuthorStyleSheet",),
    "style": ("UpdateLayoutTree",),
    "layout": ("Layout",),
    "paint": ("PrePaint", "Paint", "Layerize"),
    "module compile": ("v8.compileModule", "v8.compile"),
    "module evaluate": ("v8.evaluateModule",),
    "GC": ("MinorGC", "MajorGC"),
}
READY_MARK = "tohyo-ready"


def profile(browser: Any, url: str, kind: str, lang: str) -> dict[str, Any]:
    """One traced and profiled first visit of `url`, summarised."""
    context, page, cdp, recorder = V.new_phone(browser, lang)
    try:
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 100})
        browser.start_tracing(page=page, categories=CATEGORIES)
        cdp.send("Profiler.start")
        seen = V.visit(page, recorder, url, kind)
        cpu = cdp.send("Profiler.stop")["profile"]
        trace = json.loads(browser.stop_tracing())
    finally:
        context.close()
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    summary = trace_summary(events, url)
    summary["scripts"] = script_self_ms(cpu, summary.get("ready_ts"))
    sizes = {d["url"]: d["bytes"] for d in seen["detail"]}
    return {"page": kind, "lang": lang, "usable_ms": seen["usable_ms"], "sizes": sizes, **summary}


def main_thread(events: list[dict[str, Any]], url: str) -> tuple[int, int] | None:
    """(pid, tid) of the renderer main thread that committed `url`."""
    for e in events:
        data = (e.get("args") or {}).get("data") or {}
        if e.get("name") == "CommitLoad" and data.get("url") == url:
            return int(e["pid"]), int(e["tid"])
    return None


def union_ms(spans: list[tuple[float, float]]) -> float:
    """The length of a union of [start, end) spans, µs in, ms out."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total / 1000


def outer_cpu_ms(tasks: list[dict[str, Any]]) -> float:
    """The thread CPU time (`tdur`, µs) of the tasks no other task holds, in ms: what the
    main thread really ran, without the time it waited for a core (a busy machine) or was
    held back by the CPU throttling."""
    total, reach = 0.0, float("-inf")
    for e in sorted(tasks, key=lambda e: e["ts"]):
        if e["ts"] >= reach:
            total += e.get("tdur", 0)
        reach = max(reach, e["ts"] + e.get("dur", 0))
    return total / 1000


def trace_summary(events: list[dict[str, Any]], url: str) -> dict[str, Any]:
    """The main thread's time until the ready mark (see the module)."""
    where = main_thread(events, url)
    if where is None:
        return {"error": f"no CommitLoad of {url} in the trace"}
    pid, tid = where
    mine = [e for e in events if e.get("pid") == pid and e.get("tid") == tid]
    marks = [e["ts"] for e in events if e.get("pid") == pid and e.get("name") == READY_MARK]
    commit = min(e["ts"] for e in mine if e.get("name") == "CommitLoad")
    ready = min(marks) if marks else max(e.get("ts", 0) for e in mine)
    spans = [e for e in mine if e.get("ph") == "X" and commit <= e["ts"] < ready]
    rows = {
        row: sum(e.get("dur", 0) for e in spans if e["name"] in names) / 1000
        for row, names in ROWS.items()
    }
    compiled: Counter[str] = Counter()
    for e in spans:
        if e["name"] in ROWS["module compile"]:
            data = (e.get("args") or {}).get("data") or {}
            compiled[V.short(data.get("url", "?"))] += e.get("dur", 0) / 1000
    tasks = [e for e in spans if e["name"] == "RunTask"]
    busy = union_ms([(e["ts"], e["ts"] + e.get("dur", 0)) for e in tasks])
    return {
        "cpu_ms": outer_cpu_ms(tasks),
        "ready_ts": ready if marks else None,
        "commit_to_ready_ms": (ready - commit) / 1000,
        "busy_ms": busy,
        "rows": rows,
        "compile_ms": dict(compiled),
    }


def script_self_ms(cpu: dict[str, Any], until: float | None) -> dict[str, float]:
    """Self time (ms) per script URL from a CDP CPU profile, samples up to `until` (trace
    µs; the profile's clock is the same monotonic one) when it falls inside the profile."""
    nodes = {n["id"]: n for n in cpu.get("nodes", [])}
    times, t = [], float(cpu.get("startTime", 0))
    for delta in cpu.get("timeDeltas", []):
        t += delta
        times.append(t)
    end = float(cpu.get("endTime", t))
    limit = until if until is not None and cpu.get("startTime", 0) <= until <= end else end
    self_us: Counter[str] = Counter()
    samples = cpu.get("samples", [])
    for i, node_id in enumerate(samples):
        if times[i] > limit:
            break
        frame = nodes[node_id]["callFrame"]
        name = V.short(frame["url"]) if frame.get("url") else frame.get("functionName", "?")
        if name != "(idle)":
            gap = (times[i + 1] if i + 1 < len(times) else end) - times[i]
            self_us[name] += gap
    return {name: us / 1000 for name, us in self_us.most_common()}


def report(p: dict[str, Any]) -> str:
    """A profiled visit as markdown: the main thread's rows, then each script."""
    head = f"Main thread until usable, {p['page']} {p['lang']} (first visit, CPU 4× slowed"
    if "error" in p:
        return f"{head}): {p['error']}"
    head += (
        f"; usable at {L.fmt(p['usable_ms'])} ms, the page committed"
        f" {L.fmt(p['commit_to_ready_ms'])} ms before; main thread busy"
        f" {L.fmt(p['busy_ms'])} ms of it, of which it ran {L.fmt(p.get('cpu_ms', 0.0))} ms"
        " of thread CPU time: the rest it waited for a core or was held back by the"
        " throttling):"
    )
    rows = [[name, L.fmt(ms, 1)] for name, ms in p["rows"].items()]
    scripts = []
    names = dict.fromkeys([*p["compile_ms"], *p["scripts"]])
    for name in names:
        scripts.append(
            [
                name,
                L.fmt(p["sizes"].get(name, 0)),
                L.fmt(p["compile_ms"].get(name, 0.0), 1),
                L.fmt(p["scripts"].get(name, 0.0), 1),
            ]
        )
    scripts.sort(key=lambda r: -float(r[3].replace(",", "")) - float(r[2].replace(",", "")))
    return "\n".join(
        [
            head,
            "",
            L.table(["trace (inclusive)", "ms"], rows, "l"),
            "",
            L.table(["script", "B transferred", "compile ms", "self ms (profile)"], scripts, "l"),
        ]
    )
