"""Debian's Chromium (/usr/bin/chromium) for the benchmarks that drive a page in it, never
a downloaded one: started with the flags the browser tests use, and those that keep it
off the network (no background requests, component updates or sync) while it is measured.
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
