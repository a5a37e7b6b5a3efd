"""One visit of a page in Chromium as a phone on a hall's network, for bench/page_weight.py.

The phone: a 375×740 viewport at device scale 2, touch, the CPU slowed 4× and the network
emulated by CDP (`Network.emulateNetworkConditions`: 150 ms round trip, 9 Mbit/s down,
1.5 Mbit/s up, a decent 4G). Every request of the page load is recorded from CDP's Network
events:

- **transferred** = `Network.loadingFinished.encodedDataLength` (response headers and body
  as received, compressed; what a request costs on the phone's network; request headers,
  which go up, are not counted), or for a request still open at the end (the SSE stream)
  its response headers and the bytes received so far (its snapshot);
- **from cache** = served from the memory cache (`Network.requestServedFromCache`) or the
  disk cache (`response.fromDiskCache`): 0 bytes on the network;
- **chain depth** = the initiator chain (`requestWillBeSent.initiator`: the parser of the
  document or the script that asked) of the deepest request; the document is 1.

"Usable" is the time from the document's request (navigation start, as CDP saw it) to
`<html data-ready="true">`, which ready.js sets once the page's module has attached its
listeners (a MutationObserver installed before any page script notes the time then).
A visit then checks that the page answers: a choice clicked enables the Vote button.

Chromium is Debian's (/usr/bin/chromium, `chromium.py`), never a downloaded one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from chromium import CHROMIUM as CHROMIUM  # page_weight launches with these
from chromium import FLAGS as FLAGS

PHONE = {
    "viewport": {"width": 375, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
LATENCY_MS = 150
DOWN_BITS, UP_BITS = 9_000_000, 1_500_000
CPU_SLOWDOWN = 4
NETWORK = {
    "offline": False,
    "latency": LATENCY_MS,
    "downloadThroughput": DOWN_BITS / 8,  # bytes/s
    "uploadThroughput": UP_BITS / 8,
}
LOCALES = {"en": "en-US", "ja": "ja-JP"}
# Noted before any page script runs; `tohyo-ready` is also a mark a trace can find.
WATCH_READY = """
new MutationObserver((changes, observer) => {
  if (document.documentElement?.dataset.ready === "true") {
    window.__tohyoReadyAt = performance.now();
    performance.mark("tohyo-ready");
    observer.disconnect();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ["data-ready"]});
"""
NAVIGATION = """() => { const n = performance.getEntriesByType("navigation")[0];
  const ready = window.__tohyoReadyAt;
  return {ready: ready === undefined ? null : performance.timeOrigin + ready,
          responseStart: n.responseStart,
          domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }"""
# What a voter clicks and what must come alive: the poll's page, an event phone's card.
CHOICE = {
    "voter": ("#vote-form input[name=choice]", "#vote-form button[type=submit]"),
    "event": ("#ev-questions .ev-options input", "#ev-questions button[type=submit]"),
}


@dataclass
class Request:
    url: str
    kind: str  # CDP resource type: Document, Script, Stylesheet, EventSource, Other...
    initiator: str | None  # the URL of whoever asked (document or script), None: the browser
    status: int = 0
    encoding: str = ""
    cache_control: str = ""
    headers_bytes: int = 0
    received: int = 0  # data bytes so far (decoded), for a stream still open
    transferred: int | None = None  # at loadingFinished
    from_cache: str = ""  # "memory" or "disk"
    failed: bool = False
    sent_at: float = 0.0  # CDP MonotonicTime (s), and the same moment as wall time (s)
    sent_wall: float = 0.0
    response_at: float | None = None
    finished_at: float | None = None

    @property
    def done(self) -> bool:
        return self.transferred is not None or self.failed

    def cost(self) -> int:
        """Bytes on the phone's network for this request (see the module)."""
        if self.from_cache:
            return 0
        if self.transferred is not None:
            return self.transferred
        return self.headers_bytes + self.received


@dataclass
class Recorder:
    """The requests of one navigation, from CDP Network events."""

    requests: dict[str, Request] = field(default_factory=dict)

    def attach(self, cdp: Any) -> None:
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.requestServedFromCache", self._from_memory)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)

    def clear(self) -> None:
        self.requests = {}

    def pending(self) -> list[Request]:
        return [r for r in self.requests.values() if not r.done and r.kind != "EventSource"]

    def _sent(self, e: dict[str, Any]) -> None:
        self.requests[e["requestId"]] = Request(
            url=e["request"]["url"],
            kind=e.get("type", "Other"),
            initiator=initiator_url(e),
            sent_at=float(e["timestamp"]),
            sent_wall=float(e.get("wallTime", 0.0)),
        )

    def _from_memory(self, e: dict[str, Any]) -> None:
        if r := self.requests.get(e["requestId"]):
            r.from_cache = "memory"

    def _response(self, e: dict[str, Any]) -> None:
        if not (r := self.requests.get(e["requestId"])):
            return
        response = e["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        r.status = response.get("status", 0)
        r.response_at = float(e["timestamp"])
        r.encoding = headers.get("content-encoding", "")
        r.cache_control = headers.get("cache-control", "")
        if response.get("fromDiskCache") and not r.from_cache:
            r.from_cache = "disk"
        if not r.from_cache:
            r.headers_bytes = int(response.get("encodedDataLength", 0))

    def _data(self, e: dict[str, Any]) -> None:
        if r := self.requests.get(e["requestId"]):
            r.received += int(e.get("dataLength", 0))

    def _finished(self, e: dict[str, Any]) -> None:
        if r := self.requests.get(e["requestId"]):
            r.transferred = int(e.get("encodedDataLength", 0))
            r.finished_at = float(e["timestamp"])

    def _failed(self, e: dict[str, Any]) -> None:
        if r := self.requests.get(e["requestId"]):
            r.failed = True


def initiator_url(event: dict[str, Any]) -> str | None:
    """Who asked for a request: the parser's document, or the script on top of the stack
    (its async parents too); None for the browser itself (navigation, favicon)."""
    initiator = event.get("initiator") or {}
    if initiator.get("url"):
        return str(initiator["url"])
    stack = initiator.get("stack")
    while stack:
        for frame in stack.get("callFrames", []):
            if frame.get("url"):
                return str(frame["url"])
        stack = stack.get("parent")
    return None


def chain_depth(requests: list[Request]) -> tuple[int, list[str]]:
    """The deepest initiator chain (a request with no known initiator is 1 deep) and its
    URLs, outermost first."""
    by_url = {r.url: r for r in requests}
    memo: dict[str, list[str]] = {}

    def chain(r: Request, seen: frozenset[str]) -> list[str]:
        if r.url in memo:
            return memo[r.url]
        parent = by_url.get(r.initiator or "")
        up = chain(parent, seen | {r.url}) if parent and parent.url not in seen else []
        memo[r.url] = [*up, r.url]
        return memo[r.url]

    deepest = max((chain(r, frozenset()) for r in requests), key=len, default=[])
    return len(deepest), deepest


def short(url: str) -> str:
    """A request's path without the session id's noise: /vote/…, /static/app.3f2a9c1b7d.js."""
    path = urlsplit(url).path
    if path.startswith("/static/"):
        return path
    return "/".join("…" if len(p) >= 20 else p for p in path.split("/")) or "/"


def document(requests: list[Request]) -> Request:
    """The navigation's own request (the first Document)."""
    return next(r for r in requests if r.kind == "Document")


def since(start: float, at: float | None) -> float | None:
    return None if at is None else 1000 * (at - start)


def summary(requests: list[Request]) -> dict[str, Any]:
    """A visit's requests as the report counts them; times in ms since the document's
    request was sent."""
    depth, deepest = chain_depth([r for r in requests if r.kind != "EventSource"])
    start = document(requests).sent_at
    return {
        "html_response_ms": since(start, document(requests).response_at),
        "bytes": sum(r.cost() for r in requests),
        "requests": len(requests),
        "network_requests": sum(1 for r in requests if not r.from_cache),
        "cached": sum(1 for r in requests if r.from_cache),
        "header_bytes": sum(r.headers_bytes for r in requests if not r.from_cache),
        "depth": depth,
        "deepest": [short(u) for u in deepest],
        "detail": [
            {
                "url": short(r.url),
                "kind": r.kind,
                "status": r.status,
                "encoding": r.encoding or "identity",
                "bytes": r.cost(),
                "headers": r.headers_bytes,
                "cache": r.from_cache or "network",
                "immutable": "immutable" in r.cache_control,
                "open": not r.done,
                "start_ms": since(start, r.sent_at),
                "end_ms": since(start, r.finished_at),
            }
            for r in requests
        ],
    }


def new_phone(browser: Any, lang: str) -> tuple[Any, Any, Any, Recorder]:
    """A fresh context (empty cache, no cookies: a voter, never the host) with one page,
    its CDP session throttled as the module says, and a Recorder on it."""
    context = browser.new_context(locale=LOCALES[lang], **PHONE)
    context.add_init_script(WATCH_READY)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    recorder = Recorder()
    recorder.attach(cdp)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return context, page, cdp, recorder


def visit(page: Any, recorder: Recorder, url: str, kind: str, timeout_s: float = 30) -> dict:
    """Navigate to `url` and wait until the page is usable, loaded and its requests done
    (bounded by `timeout_s`); then check a choice enables the Vote button."""
    recorder.clear()
    page.goto(url, wait_until="load", timeout=timeout_s * 1000)
    page.wait_for_selector("html[data-ready=true]", state="attached", timeout=timeout_s * 1000)
    deadline = time.monotonic() + 5
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:  # the favicon comes after load
        if recorder.pending():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.3:
            break
        page.wait_for_timeout(50)
    timing = page.evaluate(NAVIGATION)
    requests = list(recorder.requests.values())
    choice, button = CHOICE[kind]
    page.locator(choice).first.check(timeout=timeout_s * 1000)
    enabled = page.locator(button).first.is_enabled()
    sent = document(requests).sent_wall * 1000
    return {
        **summary(requests),
        # From the document's request (CDP, wall clock) to data-ready (the page's
        # performance.timeOrigin + now(): the same clock): the page's own navigation
        # timing starts late on a new context's first navigation, after the emulated
        # round trip of the document.
        "usable_ms": None if timing["ready"] is None else timing["ready"] - sent,
        "response_start_ms": timing["responseStart"],
        "dcl_ms": timing["domContentLoaded"],
        "load_ms": timing["load"],
        "vote_enabled": enabled,
        "pending": [short(r.url) for r in recorder.pending()],
    }
