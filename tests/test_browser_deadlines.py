"""Honest deadlines (Debian's Chromium, Playwright, a real `tohyo serve`): under a poll's
question and an event question's prompt, the phone names the deadline the host set — in
the viewer's time zone, with the date only when it is not today there — and nothing when
there is none (a session's expiry, a day away, is no deadline). The countdown beside it
counts to the same instant. In English and Japanese.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests import browser as pages
from tests.browser import goto
from tests.conftest import QUESTION, ServerProcess
from tests.deadline_browser import (
    ZONES,
    assert_countdown_agrees,
    expected_line,
    same_day,
    zoned_page,
)
from tests.event_browser import Host, card, question

pytestmark = pytest.mark.slow

browser, server = pages.browser, pages.server
__all__ = ["zoned_page"]

UNTIL = {"en": "Open until {}", "ja": "{}まで投票できます"}
EVENT_UNTIL = {"en": "Open until {}", "ja": "{}まで回答できます"}
CLOSES_IN = {"en": "Closes in ", "ja": "締め切りまで "}
LANGS = pytest.mark.parametrize("lang", ["en", "ja"])


def poll(server: ServerProcess, **extra: Any) -> dict[str, Any]:
    created = httpx.post(server.url + "/api/vote", json={**QUESTION, **extra})
    assert created.status_code == 201, created.text
    view: dict[str, Any] = httpx.get(f"{server.url}/api/vote/{created.json()['sessionId']}").json()
    return view


def now() -> datetime:
    return datetime.now(UTC)


@LANGS
def test_a_poll_without_a_deadline_names_none(
    zoned_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    view = poll(server)
    assert "closesAt" not in view
    phone = zoned_page(lang)
    goto(phone, f"/vote/{view['sessionId']}")
    expect(phone.locator("#deadline")).to_have_text("")
    expect(phone.locator("#deadline")).to_be_hidden()
    expect(phone.locator("#countdown")).to_be_hidden()
    expect(phone.get_by_text(re.compile(UNTIL[lang].format(".*")))).to_have_count(0)


@LANGS
def test_a_poll_closing_in_two_minutes_names_that_time_and_counts_to_it(
    zoned_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    view = poll(server, durationSeconds=120)
    closes_at = view["closesAt"]
    assert view["expiresAt"] != closes_at  # the deadline, not the session's expiry
    phone = zoned_page(lang)
    before = now()
    goto(phone, f"/vote/{view['sessionId']}")
    today = same_day(closes_at, ZONES[lang], before, now())
    line = expected_line(UNTIL[lang], closes_at, lang, ZONES[lang], today)
    expect(phone.locator("#deadline")).to_have_text(re.compile(line))
    expect(phone.locator("#countdown")).to_contain_text(CLOSES_IN[lang])
    assert_countdown_agrees(phone, "#countdown", closes_at)


@LANGS
def test_a_deadline_that_is_not_today_names_its_date(
    zoned_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    # 23 hours on is tomorrow wherever it is 1:00 or later now: a zone where it is.
    zone = next(
        z for z in (ZONES[lang], "America/Los_Angeles") if now().astimezone(ZoneInfo(z)).hour
    )
    view = poll(server, durationSeconds=23 * 3600)
    closes_at = view["closesAt"]
    phone = zoned_page(lang, zone)
    before = now()
    goto(phone, f"/vote/{view['sessionId']}")
    today = same_day(closes_at, zone, before, now())
    assert today is not True
    line = expected_line(UNTIL[lang], closes_at, lang, zone, today)
    expect(phone.locator("#deadline")).to_have_text(re.compile(line))


@LANGS
def test_an_event_question_names_its_deadline_or_none(
    zoned_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    host = Host(
        server,
        question("Lunch?", "Ramen", "Curry"),
        question("Dinner?", "Soba", "Udon", durationSeconds=120),
        pace="audience",
    )
    host.open("q1")
    phone = zoned_page(lang)
    goto(phone, host.path)
    lunch = card(phone, "Lunch?")
    expect(lunch).to_be_visible()
    expect(lunch.locator(".deadline")).to_have_text("")
    expect(lunch.locator(".deadline")).to_be_hidden()
    expect(lunch.locator(".countdown")).to_be_hidden()

    before = now()
    host.open("q2")  # reaches the open page on its stream
    (dinner_view,) = [q for q in host.call("GET", "")["questions"] if q["questionId"] == "q2"]
    closes_at = dinner_view["closesAt"]
    dinner = card(phone, "Dinner?")
    expect(dinner.locator(".countdown")).to_contain_text(CLOSES_IN[lang])
    today = same_day(closes_at, ZONES[lang], before, now())
    line = expected_line(EVENT_UNTIL[lang], closes_at, lang, ZONES[lang], today)
    expect(dinner.locator(".deadline")).to_have_text(re.compile(line))
    dinner.locator(".countdown").evaluate("(e) => e.setAttribute('data-test-countdown', '')")
    assert_countdown_agrees(phone, "[data-test-countdown]", closes_at)

    host.present("q2")  # still shown once closed
    host.close("q2")
    expect(dinner.locator(".notice")).to_have_text(re.compile("."))
    expect(dinner.locator(".deadline")).to_have_text("")
    expect(dinner.locator(".countdown")).to_be_hidden()
