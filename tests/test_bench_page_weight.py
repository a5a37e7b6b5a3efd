"""bench/page_weight.py's accounting, from CDP events as Chromium sends them: what a request
costs on the network, how deep its initiator chain is, where the main thread's time went.
(The bench itself runs Chromium; these are its pure parts.)"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import page_profile
import page_visit

ORIGIN = "http://127.0.0.1:8000"
PAGE = f"{ORIGIN}/vote/0b9a3c1e-6a10-4e64-ad70-4fac0951fdf7"


def sent(request_id: str, url: str, kind: str, initiator: dict) -> dict:
    return {
        "requestId": request_id,
        "request": {"url": url},
        "type": kind,
        "initiator": initiator,
        "timestamp": 10.0,
        "wallTime": 1_700_000_000.0,
    }


def response(request_id: str, headers_bytes: int, **extra: object) -> dict:
    body = {"status": 200, "headers": {"Content-Encoding": "br"}, "encodedDataLength": 0}
    body.update(encodedDataLength=headers_bytes, **extra)
    return {"requestId": request_id, "response": body, "timestamp": 10.2}


def load(recorder: page_visit.Recorder, events: list[tuple[str, dict]]) -> None:
    handlers = {
        "sent": recorder._sent,
        "memory": recorder._from_memory,
        "response": recorder._response,
        "data": recorder._data,
        "finished": recorder._finished,
    }
    for kind, event in events:
        handlers[kind](event)


def test_a_page_load_costs_what_came_over_the_network_and_nothing_for_the_cache() -> None:
    recorder = page_visit.Recorder()
    by_parser = {"type": "parser", "url": PAGE}
    load(
        recorder,
        [
            ("sent", sent("doc", PAGE, "Document", {"type": "other"})),
            ("response", response("doc", 436)),
            ("finished", {"requestId": "doc", "encodedDataLength": 2021, "timestamp": 10.3}),
            ("sent", sent("css", f"{ORIGIN}/static/tohyo.5c829eacc6.css", "Stylesheet", by_parser)),
            ("memory", {"requestId": "css"}),
            ("response", response("css", 482)),
            ("finished", {"requestId": "css", "encodedDataLength": 0, "timestamp": 10.4}),
            ("sent", sent("icon", f"{ORIGIN}/static/favicon.53c4d01b55.svg", "Other", {})),
            ("response", response("icon", 0, fromDiskCache=True)),
            ("finished", {"requestId": "icon", "encodedDataLength": 0, "timestamp": 10.4}),
            (
                "sent",
                sent("sse", f"{PAGE.replace('/vote/', '/api/vote/')}/stream", "EventSource", {}),
            ),
            ("response", response("sse", 326)),
            ("data", {"requestId": "sse", "dataLength": 351, "encodedDataLength": 0}),
        ],
    )
    summary = page_visit.summary(list(recorder.requests.values()))
    # The document as received; the stream, still open: its headers and its snapshot.
    assert summary["bytes"] == 2021 + 326 + 351
    assert (summary["network_requests"], summary["cached"]) == (2, 2)
    assert summary["header_bytes"] == 436 + 326
    caches = {d["url"]: d["cache"] for d in summary["detail"]}
    assert caches["/static/tohyo.5c829eacc6.css"] == "memory"
    assert caches["/static/favicon.53c4d01b55.svg"] == "disk"
    assert [r.url for r in recorder.pending()] == []  # the open stream is not waited for


def test_the_chain_follows_parser_and_script_initiators() -> None:
    app = f"{ORIGIN}/static/app.js"
    page = page_visit.Request(PAGE, "Document", None)
    module = page_visit.Request(app, "Script", PAGE)
    stack = {
        "type": "script",
        "stack": {"callFrames": [], "parent": {"callFrames": [{"url": app}]}},
    }
    imported_url = page_visit.initiator_url({"initiator": stack})
    imported = page_visit.Request(f"{ORIGIN}/static/voter.js", "Script", imported_url)
    browser = page_visit.Request(f"{ORIGIN}/static/favicon.svg", "Other", None)
    depth, chain = page_visit.chain_depth([page, module, imported, browser])
    assert depth == 3
    assert [page_visit.short(u) for u in chain] == ["/vote/…", "/static/app.js", "/static/voter.js"]
    assert page_visit.chain_depth([page, module, browser])[0] == 2


def test_main_thread_time_is_read_up_to_the_ready_mark() -> None:
    pid, tid = 7, 1
    events = [
        {"name": "CommitLoad", "pid": pid, "tid": tid, "ts": 1000, "args": {"data": {"url": PAGE}}},
        {
            "name": "RunTask",
            "ph": "X",
            "pid": pid,
            "tid": tid,
            "ts": 1000,
            "dur": 4000,
            "tdur": 2500,
        },
        {"name": "ParseHTML", "ph": "X", "pid": pid, "tid": tid, "ts": 1100, "dur": 2000},
        {
            "name": "RunTask",
            "ph": "X",
            "pid": pid,
            "tid": tid,
            "ts": 3000,
            "dur": 3000,
            "tdur": 900,
        },
        {"name": "Layout", "ph": "X", "pid": pid, "tid": tid, "ts": 9000, "dur": 5000},
        {"name": "tohyo-ready", "ph": "R", "pid": pid, "tid": tid, "ts": 8000},
        {"name": "Layout", "ph": "X", "pid": 8, "tid": tid, "ts": 2000, "dur": 5000},
    ]
    summary = page_profile.trace_summary(events, PAGE)
    assert summary["busy_ms"] == 5.0  # 1000-6000 µs: overlapping tasks count once
    assert summary["cpu_ms"] == 2.5  # the outer task's own CPU time, the inner one in it
    assert summary["rows"]["HTML parse"] == 2.0
    assert summary["rows"]["layout"] == 0.0  # after ready, or another process's
    cpu = {
        "startTime": 7000,
        "endTime": 9000,
        "nodes": [
            {"id": 1, "callFrame": {"url": "", "functionName": "(idle)"}},
            {"id": 2, "callFrame": {"url": f"{ORIGIN}/static/i18n.js", "functionName": "t"}},
        ],
        "samples": [2, 2, 1, 2],
        "timeDeltas": [0, 500, 500, 500],
    }
    assert page_profile.script_self_ms(cpu, until=8000) == {"/static/i18n.js": 1.0}
