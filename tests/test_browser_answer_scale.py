"""A rating scale answered from a phone in a real browser (Debian's Chromium, Playwright, a
real `tohyo serve`): a row of big points per statement with the end labels, a radio group
underneath (arrows move the choice, as radios do), Send once every statement is rated —
and the host's GET /api/events/{id} counting the ratings.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.answer_browser import LIVE, checked_at_widths, host_results, scale
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import Host, card, following

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

ENDS = {"low": "Not at all", "high": "Completely"}


def test_a_phone_rates_two_statements_and_the_host_counts_them(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    statements = [{"text": "The plan is clear"}, {"text": '<b>The budget</b> & "time"'}]
    host = Host(server, scale("How sure are you?", 5, labels=ENDS, statements=statements))
    phone = open_page(PHONE)
    goto(phone, host.path)
    followed = following(phone)
    host.open_and_present("q1")
    section = card(phone, "How sure are you?")
    plan = section.get_by_role("group", name="The plan is clear")
    budget = section.get_by_role("group", name='<b>The budget</b> & "time"')
    expect(plan.get_by_role("radio")).to_have_count(5, timeout=LIVE)
    expect(plan.get_by_role("radio", name="1, Not at all")).to_be_visible()
    expect(plan.get_by_role("radio", name="5, Completely")).to_be_visible()
    expect(section.locator(".ev-scale-ends").first).to_have_text("1 = Not at all5 = Completely")
    send = section.get_by_role("button", name="Send")
    expect(send).to_be_disabled()
    checked_at_widths(phone, "scale, unrated")

    plan.get_by_role("radio", name="4").click()  # a tap on the big button
    expect(plan.get_by_role("radio", name="4")).to_be_checked()
    expect(section.locator(".ev-scale-progress")).to_have_text(
        "1 of 2 rated. Rate each one to send."
    )
    expect(send).to_be_disabled()  # one statement still unrated
    budget.get_by_role("radio", name="1, Not at all").focus()
    phone.keyboard.press("ArrowRight")  # radios' own keys: to 2, chosen
    phone.keyboard.press("ArrowRight")
    expect(budget.get_by_role("radio", name="3")).to_be_checked()
    expect(budget.get_by_role("radio", name="3")).to_be_focused()
    expect(send).to_be_enabled()
    checked_at_widths(phone, "scale, rated")
    shot(phone, "answer-scale")

    send.click()
    thanks = section.locator(".thanks")
    expect(thanks).to_be_focused()
    expect(thanks.locator(".ev-mine li")).to_have_text(
        ["The plan is clear: 4 of 5", '<b>The budget</b> & "time": 3 of 5']
    )
    results = host_results(host)
    assert results["totalVotes"] == 1
    assert [s["counts"] for s in results["statements"]] == [[0, 0, 0, 1, 0], [0, 0, 1, 0, 0]]
    followed()


def test_an_eleven_point_scale_fits_a_narrow_phone_and_answers_from_the_keyboard(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, scale("How likely are you to come back?", 11, resultsVisibility="always"))
    host.open_and_present("q1")
    phone = open_page({"width": 320, "height": 640}, locale="ja-JP")
    goto(phone, host.path)
    section = card(phone, "How likely are you to come back?")
    group = section.get_by_role("group", name="評価（1〜11）")
    expect(group.get_by_role("radio")).to_have_count(11)
    # Every point a big target, even eleven at 320 px: they wrap rather than shrink.
    sizes = section.locator(".ev-point").evaluate_all(
        "(points) => points.map((p) => [p.offsetWidth, p.offsetHeight])"
    )
    assert all(w >= 34 and h >= 48 for w, h in sizes), sizes
    checked_at_widths(phone, "eleven points in Japanese")
    shot(phone, "answer-scale-11-ja")
    group.get_by_role("radio", name="1", exact=True).focus()
    phone.keyboard.press("ArrowLeft")  # from the first to the last point, as radios wrap
    expect(group.get_by_role("radio", name="11")).to_be_checked()
    phone.keyboard.press("ArrowLeft")
    expect(group.get_by_role("radio", name="10")).to_be_checked()
    phone.keyboard.press("Tab")  # on to Send
    expect(section.get_by_role("button", name="送信する")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(section.locator(".thanks .ev-mine li")).to_have_text(["11段階中 10"])
    results = host_results(host)
    assert results["statements"][0]["counts"][9] == 1
    assert results["statements"][0]["mean"] == 10.0
