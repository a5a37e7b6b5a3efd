"""The change feed: committed session states, coalesced, written straight to every viewer.

Each watched session has one `Topic` holding its newest committed state. A publish wakes
the topic at most once per `interval` (coalescing), and the wake-up writes the newest
frame to every viewer *directly*: the frame is rendered once per audience and handed to
each viewer's server `send`, which on an idle socket completes at once. No viewer has a
queue or a task of its own; only a viewer whose socket is full gets a small task that
finishes its write, and while it is busy it is skipped — when it drains it is sent
whatever is newest. So a slow viewer never makes memory grow, and a hot session costs
one pass over its viewers per interval, not one event per vote per viewer.

Frames are Server-Sent Events with `id: <version>` and absolute state, so resends and
reconnects are harmless.
"""

from tohyo.feed.event_feed import EventFeed
from tohyo.feed.event_topics import EventTopic, EventViewer
from tohyo.feed.feed import Feed
from tohyo.feed.frames import (
    ENDINGS,
    EXPIRED,
    HEARTBEAT,
    HEARTBEAT_DUE,
    HEARTBEAT_EARLY,
    SHUTDOWN,
    EndReason,
    Write,
    sse_frame,
)
from tohyo.feed.topics import WAKE_SLICE, Topic, Viewer
from tohyo.feed.writes import drive

__all__ = [
    "ENDINGS",
    "EXPIRED",
    "HEARTBEAT",
    "HEARTBEAT_DUE",
    "HEARTBEAT_EARLY",
    "SHUTDOWN",
    "WAKE_SLICE",
    "EndReason",
    "EventFeed",
    "EventTopic",
    "EventViewer",
    "Feed",
    "Topic",
    "Viewer",
    "Write",
    "drive",
    "sse_frame",
]
