"""The participant's phone page of an event in a real browser: Debian's Chromium driven by
Playwright against a real `tohyo serve` (tests/browser.py), the host acting through the
HTTP API (tests/event_browser.py).

Every phone is its own browser context (its own cookies). A phone follows the whole event
on one stream and never reloads: each test marks the page once it has loaded and checks
the mark, the navigation count and the stream count at the end. axe-core checks every
state a phone passes through.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser as pages
from tests.browser import PHONE, goto, shot, wait_ready
from tests.conftest import ServerProcess
from tests.event_browser import (
    DRINKS,
    LATER,
    LUNCH,
    Host,
    answer,
    assert_accessible,
    bar_value,
    card,
    following,
    join_from_index,
    question,
)

pytestmark = pytest.mark.slow

LIVE = 2000  # ms: what the host does reaches every phone within this

browser, server, open_page = pages.browser, pages.server, pages.open_page


def test_a_phone_joins_by_code_waits_and_follows_the_host(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, LUNCH, DRINKS, LATER)
    phone = open_page()
    join_from_index(phone, f"{host.code[:3]} {host.code[3:]}")  # as read aloud
    phone.wait_for_url(re.compile(re.escape(host.path) + "$"))
    wait_ready(phone)
    followed = following(phone)
    expect(phone.get_by_role("heading", name="Waiting for the host…")).to_be_visible()
    expect(phone.locator("#ev-code")).to_have_text(f"Code {host.code[:3]} {host.code[3:]}")
    assert_accessible(phone, "lobby")
    shot(phone, "event-lobby")

    host.open_and_present("q1")
    lunch = card(phone, "Lunch?")
    expect(lunch).to_be_visible(timeout=LIVE)
    expect(phone.locator("#ev-lobby")).to_be_hidden()
    expect(lunch.get_by_role("radio")).to_have_count(3)
    expect(lunch.get_by_role("button", name="Vote")).to_be_disabled()  # nothing chosen
    assert_accessible(phone, "question")
    shot(phone, "event-question")

    answer(phone, "Lunch?", "Curry")
    expect(lunch.locator(".thanks")).to_be_focused()
    expect(lunch.locator(".ev-mine")).to_have_text("Curry")
    expect(lunch.get_by_role("button", name="Vote")).to_be_hidden()
    # after_vote: the results come on the same stream once the answer is in.
    expect(bar_value(lunch, "Curry")).to_have_text("1 vote, 100%", timeout=LIVE)
    expect(lunch.locator(".total")).to_have_text("1 ballot")
    host.answer_as(1, "q1", "1")  # someone else: the bars move live
    expect(bar_value(lunch, "Ramen")).to_have_text("1 vote, 50%", timeout=LIVE)
    expect(bar_value(lunch, "Curry")).to_have_text("1 vote, 50%")
    expect(lunch.locator(".total")).to_have_text("2 ballots")
    assert_accessible(phone, "results")
    shot(phone, "event-results")

    host.open_and_present("q2")  # the phone moves by itself
    drinks = card(phone, "Drinks?")
    expect(drinks).to_be_visible(timeout=LIVE)
    expect(lunch).to_have_count(0)
    expect(drinks.get_by_role("checkbox")).to_have_count(2)
    expect(phone.locator("#ev-announce")).to_have_text("New question: Drinks?")
    expect(bar_value(drinks, "Tea")).to_have_text("0 votes, 0%")  # "always": before answering
    answer(phone, "Drinks?", "Tea", "Coffee")
    expect(drinks.locator(".ev-mine")).to_have_text("Tea and Coffee")
    expect(bar_value(drinks, "Coffee")).to_have_text("1 vote, 100%", timeout=LIVE)

    host.close("q2")
    expect(drinks.locator(".notice")).to_have_text("Voting is closed.", timeout=LIVE)
    assert_accessible(phone, "closed")

    host.present(None)  # back to the lobby
    expect(phone.get_by_role("heading", name="Waiting for the host…")).to_be_visible(timeout=LIVE)
    host.present("q1")  # and back: this phone's answer is still there
    lunch = card(phone, "Lunch?")
    expect(lunch.locator(".ev-mine")).to_have_text("Curry", timeout=LIVE)
    host.call("POST", "/questions/q1/reset")  # a new round: everyone may answer again
    expect(lunch.get_by_role("button", name="Vote")).to_be_visible(timeout=LIVE)
    expect(lunch.locator(".ev-position")).to_have_text("Question 1 · asked again (round 2)")
    expect(lunch.locator(".thanks")).to_be_hidden()
    expect(lunch.get_by_label("Curry", exact=True)).not_to_be_checked()
    answer(phone, "Lunch?", "Sushi")
    expect(bar_value(lunch, "Sushi")).to_have_text("1 vote, 100%", timeout=LIVE)
    expect(lunch.locator(".total")).to_have_text("1 ballot")  # this round's tally alone
    followed()


def test_a_phone_in_japanese(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = Host(server, question("お昼は？", "ラーメン", "カレー"))
    phone = open_page(PHONE, locale="ja-JP")
    # As a Japanese keyboard may type it: full-width digits, the long-vowel mark for "-".
    wide = host.code.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    join_from_index(phone, f"{wide[:3]}ー{wide[3:]}")
    phone.wait_for_url(re.compile(re.escape(host.path) + "$"))
    wait_ready(phone)
    followed = following(phone)
    expect(phone.locator("html")).to_have_attribute("lang", "ja")
    expect(phone.get_by_role("heading", name="ホストを待っています…")).to_be_visible()
    host.open_and_present("q1")
    section = card(phone, "お昼は？")
    expect(section).to_be_visible(timeout=LIVE)
    expect(section.locator("legend")).to_have_text("ひとつ選んでください")
    expect(section.locator(".ev-position")).to_have_text("質問 1")
    answer(phone, "お昼は？", "カレー", button="投票する")
    expect(section.locator(".thanks h3")).to_have_text("投票ありがとうございました！")
    expect(bar_value(section, "カレー")).to_have_text("1票（100%）", timeout=LIVE)
    expect(section.locator(".total")).to_have_text("1票")
    assert_accessible(phone, "results, in Japanese")
    shot(phone, "event-results-ja")
    host.call("POST", "/end")
    expect(phone.get_by_role("heading", name="このイベントは終了しました")).to_be_visible(
        timeout=LIVE
    )
    followed()
    # The switch: the same page in English, remembered.
    phone.get_by_role("link", name="English").click()
    expect(phone.get_by_role("heading", name="This event has ended")).to_be_visible()


def test_a_latecomer_sees_the_current_question_not_a_dead_one(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, LUNCH, DRINKS)
    early = open_page()
    goto(early, host.path)
    host.open_and_present("q1")
    expect(card(early, "Lunch?")).to_be_visible(timeout=LIVE)
    host.close("q1")
    host.open_and_present("q2")
    expect(card(early, "Drinks?")).to_be_visible(timeout=LIVE)

    late = open_page()
    join_from_index(late, host.code)
    late.wait_for_url(re.compile(re.escape(host.path) + "$"))
    wait_ready(late)
    followed = following(late)
    expect(card(late, "Drinks?")).to_be_visible()  # from the page itself: no lobby first
    expect(card(late, "Lunch?")).to_have_count(0)
    expect(late.locator("#ev-lobby")).to_be_hidden()
    answer(late, "Drinks?", "Coffee")
    expect(bar_value(card(late, "Drinks?"), "Coffee")).to_have_text("1 vote, 100%", timeout=LIVE)
    followed()


def test_audience_pace_lists_every_open_question(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = Host(server, LUNCH, DRINKS, LATER, pace="audience")
    phone = open_page()
    goto(phone, host.path)
    followed = following(phone)
    expect(
        phone.get_by_role("heading", name="No question is open right now.", exact=False)
    ).to_be_visible()
    host.open("q1")
    host.open("q3")  # q2 stays a draft: never shown
    expect(phone.locator("section.ev-question")).to_have_count(2, timeout=LIVE)
    expect(phone.locator(".ev-prompt")).to_have_text(["Lunch?", "Dessert?"])
    expect(phone.locator("#ev-lobby")).to_be_hidden()
    assert_accessible(phone, "audience list")
    shot(phone, "event-audience")
    answer(phone, "Dessert?", "Cake")  # in any order
    expect(card(phone, "Dessert?").locator(".ev-mine")).to_have_text("Cake")
    expect(card(phone, "Lunch?").get_by_role("button", name="Vote")).to_be_visible()
    answer(phone, "Lunch?", "Sushi")
    expect(bar_value(card(phone, "Lunch?"), "Sushi")).to_have_text("1 vote, 100%", timeout=LIVE)
    host.open("q2")  # a question opened later joins the list, in its place
    expect(phone.locator(".ev-prompt")).to_have_text(
        ["Lunch?", "Drinks?", "Dessert?"], timeout=LIVE
    )
    host.call("PATCH", "", {"pace": "presenter"})  # switched live: the room follows the host
    expect(phone.get_by_role("heading", name="Waiting for the host…")).to_be_visible(timeout=LIVE)
    followed()


def test_an_ended_event_says_so_with_its_last_results(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    secret = question("Secret?", "Yes", "No", resultsVisibility="host")
    host = Host(server, LUNCH, DRINKS, secret)
    phone = open_page()
    goto(phone, host.path)
    followed = following(phone)
    host.open_and_present("q1")
    answer(phone, "Lunch?", "Ramen")
    expect(bar_value(card(phone, "Lunch?"), "Ramen")).to_have_text("1 vote, 100%", timeout=LIVE)
    host.open("q2")
    host.open_and_present("q3")
    host.answer_as(2, "q2", "2")
    expect(card(phone, "Secret?")).to_be_visible(timeout=LIVE)
    host.call("POST", "/end")
    expect(phone.get_by_role("heading", name="This event has ended")).to_be_visible(timeout=LIVE)
    expect(phone.locator("#ev-code")).to_be_hidden()  # released
    # The results this phone may see: the answered one and the public one; not the host's.
    expect(phone.locator(".ev-prompt")).to_have_text(["Lunch?", "Drinks?"])
    expect(bar_value(card(phone, "Drinks?"), "Coffee")).to_have_text("1 vote, 100%")
    expect(phone.get_by_role("button", name="Vote")).to_have_count(0)
    assert_accessible(phone, "ended")
    shot(phone, "event-ended")
    followed()


def test_answered_elsewhere_and_refusals_are_clear(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = Host(server, LUNCH)
    host.open_and_present("q1")
    first = open_page()
    open_page.tolerate("409")  # the refusals, logged by Chromium as failed loads
    open_page.tolerate("403")
    goto(first, host.path)
    # A second tab of the same browser whose stream is cut: it cannot learn of the answer
    # but from the answer's refusal (409 already_voted).
    second = first.context.new_page()
    open_page.tolerate("net::ERR_FAILED")  # the cut stream, on purpose
    second.route("**/stream", lambda route: route.abort())
    goto(second, host.path)
    expect(second.locator("#connection")).to_be_visible()  # it says it has no live link
    answer(first, "Lunch?", "Ramen")
    expect(card(first, "Lunch?").locator(".thanks")).to_be_visible()
    answer(second, "Lunch?", "Curry")
    expect(card(second, "Lunch?").locator(".notice")).to_have_text(
        "You have answered this question."
    )
    expect(card(second, "Lunch?").get_by_role("button", name="Vote")).to_be_hidden()
    second.close()

    host.close("q1")  # a phone that answers after the close hears so
    stale = first.context.browser.new_context(base_url=server.url, viewport=PHONE)
    try:
        page = stale.new_page()
        page.route("**/stream", lambda route: route.abort())
        host.open("q1")
        goto(page, host.path)
        host.close("q1")
        answer(page, "Lunch?", "Sushi")
        expect(card(page, "Lunch?").locator(".notice")).to_have_text("Voting is closed.")
        expect(card(page, "Lunch?").get_by_role("button", name="Vote")).to_be_hidden()
    finally:
        stale.close()


def test_five_phones_follow_a_three_question_event_one_joining_late(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, LUNCH, DRINKS, LATER)
    locales = ["en-US", "en-US", "ja-JP", "en-US"]
    phones = [open_page(PHONE, locale=locale) for locale in locales]
    checks = []
    for phone in phones:
        join_from_index(phone, host.code)
        phone.wait_for_url(re.compile(re.escape(host.path) + "$"))
        wait_ready(phone)
        checks.append(following(phone))
    japanese = phones[2]
    expect(japanese.get_by_role("heading", name="ホストを待っています…")).to_be_visible()

    host.open_and_present("q1")
    for n, phone in enumerate(phones):
        expect(card(phone, "Lunch?")).to_be_visible(timeout=LIVE)
        answer(phone, "Lunch?", ["Ramen", "Curry"][n % 2], button="投票する" if n == 2 else "Vote")
    for phone in phones:  # every phone ends on the exact tally
        expect(card(phone, "Lunch?").locator(".total")).to_have_text(
            "4票" if phone is japanese else "4 ballots", timeout=LIVE
        )

    host.close("q1")
    host.open_and_present("q2")
    late = open_page(PHONE)
    join_from_index(late, host.code)  # joins late, by code: the current question at once
    late.wait_for_url(re.compile(re.escape(host.path) + "$"))
    wait_ready(late)
    checks.append(following(late))
    phones.append(late)
    for phone in phones:
        expect(card(phone, "Drinks?")).to_be_visible(timeout=LIVE)
        expect(card(phone, "Lunch?")).to_have_count(0)
        answer(phone, "Drinks?", "Tea", button="投票する" if phone is japanese else "Vote")
    for phone in phones:
        expect(bar_value(card(phone, "Drinks?"), "Tea")).to_contain_text(
            "5票" if phone is japanese else "5 votes", timeout=LIVE
        )

    host.close("q2")
    host.open_and_present("q3")
    for phone in phones:
        expect(card(phone, "Dessert?")).to_be_visible(timeout=LIVE)
    host.call("POST", "/end")
    for phone in phones:
        name = "このイベントは終了しました" if phone is japanese else "This event has ended"
        expect(phone.get_by_role("heading", name=name)).to_be_visible(timeout=LIVE)
    for check in checks:
        check()
