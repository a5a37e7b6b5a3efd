"""Prometheus metrics, served at /metrics (prometheus_client's text format).

Module-level, as Prometheus clients are: one registry per process. Under `--workers N`
each scrape reaches one worker; label the targets per worker, or run one process per
port, to see them all.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

VOTES = Counter(
    "tohyo_votes_total",
    "Ballots received, by outcome: accepted, or the error code that refused them",
    ["outcome"],
)
# Bound once: labels() takes a lock and a lookup, and this one counts every vote.
VOTES_ACCEPTED = VOTES.labels("accepted")
SESSIONS_CREATED = Counter("tohyo_sessions_created_total", "Voting sessions created")
SESSIONS_CLOSED = Counter(
    "tohyo_sessions_closed_total", "Voting sessions closed by their host (deadlines apart)"
)
OPEN_STREAMS = Gauge("tohyo_open_streams", "Live streams open on this process")
BROADCAST = Histogram(
    "tohyo_broadcast_seconds",
    "From a committed change reaching the feed to the last of its viewers being written",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
COMMIT_SECONDS = Histogram(
    "tohyo_commit_seconds",
    "SQLite: time of one group commit (one transaction, one fsync)",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)
COMMIT_BATCH = Histogram(
    "tohyo_commit_batch_size",
    "SQLite: changes (ballots and state updates) per group commit",
    buckets=(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000),
)
