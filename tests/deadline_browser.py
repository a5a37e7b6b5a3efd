"""Helpers of the browser tests of deadlines and what a participant chose: a page in a
fresh context with its own time zone (the deadline is shown in the viewer's), the times a
page should name, and the check that a countdown agrees with the deadline it counts to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.browser import PHONE
from tests.conftest import ServerProcess

TOKYO = "Asia/Tokyo"
NEW_YORK = "America/New_York"
LOCALES = {"en": "en-US", "ja": "ja-JP"}
ZONES = {"en": NEW_YORK, "ja": TOKYO}
# Seconds the countdown's text may lag behind the page's clock: it is redrawn every second
# by a timer, which a loaded machine runs late. A bound on agreement, not on speed.
REDRAW = 2


@pytest.fixture
def zoned_page(browser: Any, server: ServerProcess) -> Iterator[Callable[..., Any]]:
    """zoned_page(lang, zone, viewport) -> a page in a fresh context (its own cookies)
    whose clock reads in `zone` (by default `ZONES[lang]`) and whose browser speaks
    `lang`. Script and console errors fail the test, as tests/browser.py's open_page."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(lang: str = "en", zone: str | None = None, viewport: dict[str, int] = PHONE) -> Any:
        context = browser.new_context(
            viewport=viewport,
            locale=LOCALES[lang],
            timezone_id=zone or ZONES[lang],
            base_url=server.url,
        )
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == []


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def shown_time(closes_at: str, lang: str, zone: str | None = None) -> str:
    """A regex of the deadline's time as the page's language writes it, in its zone
    (Chromium's ICU puts a narrow no-break space before "PM")."""
    local = parse_iso(closes_at).astimezone(ZoneInfo(zone or ZONES[lang]))
    if lang == "ja":
        return f"{local.hour}:{local.minute:02d}"
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}[\\s\u202f]{'PM' if local.hour >= 12 else 'AM'}"


def shown_date(closes_at: str, lang: str, zone: str | None = None) -> str:
    """A regex of the deadline's date as the page writes it (medium style)."""
    local = parse_iso(closes_at).astimezone(ZoneInfo(zone or ZONES[lang]))
    if lang == "ja":
        return f"{local.year}/{local.month:02d}/{local.day:02d}"
    return f"{local.strftime('%b')} {local.day}, {local.year}"


def same_day(closes_at: str, zone: str, *instants: datetime) -> bool | None:
    """Whether the deadline falls on the day of every instant in `zone` (None if the
    instants straddle midnight there: then either is right)."""
    there = ZoneInfo(zone)
    days = {instant.astimezone(there).date() for instant in instants}
    if len(days) > 1:
        return None
    return parse_iso(closes_at).astimezone(there).date() in days


def expected_line(template: str, closes_at: str, lang: str, zone: str, today: bool | None) -> str:
    """A regex of the whole deadline line: `template` ("Open until {}") with the time, and
    the date before it unless the deadline is today (`today` None: either)."""
    when = shown_time(closes_at, lang, zone)
    if today is None:
        when = f"(?:.*{when})"
    elif not today:
        when = f"{shown_date(closes_at, lang, zone)}.*{when}"
    before, after = template.split("{}")
    return f"^{loose(before)}{when}{loose(after)}$"


def loose(text: str) -> str:
    """A regex of `text` with Japanese phrase breaks (zero-width spaces) allowed anywhere
    in it: where they fall is BudouX's to say."""
    return "".join(re.escape(ch) + "\u200b?" for ch in text)


def assert_countdown_agrees(page: Any, selector: str, closes_at: str) -> None:
    """The countdown's m:ss, read between two readings of the page's clock, is the time
    from then to the deadline (rounded up, as drawn once a second)."""
    before, text, after = page.evaluate(
        "(s) => [Date.now(), document.querySelector(s).textContent, Date.now()]", selector
    )
    match = re.search(r"(\d+):(\d\d)", text)
    assert match, text
    left = int(match[1]) * 60 + int(match[2])
    deadline = parse_iso(closes_at).timestamp() * 1000
    # Drawn at some d in [before - REDRAW s, after]: left = ceil((deadline - d) / 1 s).
    assert deadline - left * 1000 <= after, (text, deadline - after)
    assert deadline - (left - 1) * 1000 > before - REDRAW * 1000, (text, deadline - before)
