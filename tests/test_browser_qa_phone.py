"""Audience Q&A on the participant's phone in a real browser (Debian's Chromium, Playwright,
a real `tohyo serve`), in English and in Japanese, the host acting over HTTP with its token:
off, nothing of it shows; on, a Q&A tab beside the poll (whose half-made answer waits in
its own); one phone asks, approve first — its own question says "Waiting for the host"
there, the other phone has nothing — the host approves and both show it live; the other
upvotes and takes it back, both counts following; Popular and Newest; the pinned one first
as being answered now, then answered and after the open ones; hidden, gone; off again, the
tab goes, all on the one stream. A question refused because the host turned Q&A off
meanwhile says so and keeps its text; asked in the open, it is on the list at once; shown
with a nickname chosen from the Q&A tab; an upvote given elsewhere (409 already_voted)
shows pressed. The tabs by keyboard, and "New" on Polls for a poll opened meanwhile; the
host's preview shows what a phone would and sends nothing. axe-core and no sideways scroll
(375 and 320 px) on the Q&A view.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.answer_browser import LIVE, checked_at_widths
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import card, following
from tests.layout_browser import JAPANESE, TOKEN
from tests.qa_phone_browser import (
    BREAK,
    LOCALES,
    LUNCH,
    PARKING,
    RECORDED,
    SLIDES,
    QaEvent,
    ask,
    entry,
    open_qa,
    says,
    shows_count,
    texts,
    upvote_button,
)

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_two_phones_ask_wait_for_approval_upvote_and_follow_the_host_live(
    open_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    def say(key: str, **values: Any) -> str:
        return says(lang, key, **values)

    host = QaEvent(server, LUNCH)
    host.open_and_present("q1")
    aki = open_page(PHONE, locale=LOCALES[lang])
    ben = open_page(PHONE, locale=LOCALES[lang])
    for phone in (aki, ben):
        goto(phone, host.path)
        expect(card(phone, "Lunch?")).to_be_visible()
        # Q&A off: nothing of it.
        expect(phone.locator("#qap-tabs")).to_be_hidden()
        expect(phone.locator("#qap")).to_be_hidden()
        expect(phone.get_by_role("tab")).to_have_count(0)
    aki.get_by_label("Curry", exact=True).check()  # half-made: not sent
    loaded = following(aki)

    # On, approve first: the tabs come, live; the poll stays in front.
    host.qa("moderated")
    for phone in (aki, ben):
        polls = phone.get_by_role("tab", name=say("qap_tab_polls"), exact=True)
        expect(polls).to_be_visible(timeout=LIVE)
        expect(polls).to_have_attribute("aria-selected", "true")
        expect(card(phone, "Lunch?")).to_be_visible()
        open_qa(phone, lang)
        expect(card(phone, "Lunch?")).to_be_hidden()
        expect(phone.locator("#qap-empty")).to_have_text(say("qap_empty"))
    field = aki.get_by_role("textbox", name=say("qap_ask_label"), exact=True)
    expect(field).to_have_attribute("maxlength", "560")  # 280 characters in code points
    field.fill("x" * 281)
    over = "ans_chars_over_one" if lang == "en" else "ans_chars_over_other"
    expect(aki.locator("#qap-count")).to_have_text(say(over, n=1))
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(aki.get_by_role("button", name=say("qap_send"), exact=True)).to_be_disabled()

    ask(aki, lang, SLIDES)
    expect(aki.locator("#qap-sent")).to_have_text(say("qap_sent_waiting"), timeout=LIVE)
    expect(aki.locator("#qap-sent")).to_be_focused()  # Send, emptied, is disabled
    expect(field).to_have_value("")
    mine = entry(aki, "a1")
    expect(mine.locator(".qap-entry-text")).to_have_text(SLIDES)
    expect(mine.locator(".qap-mark-waiting")).to_have_text(f"◷ {say('qap_waiting')}")
    expect(mine.locator(".qap-mark-yours")).to_have_text(say("qap_yours"))
    expect(mine.locator(".qap-who")).to_have_text(say("qap_anonymous"))
    expect(upvote_button(aki, "a1")).to_be_hidden()  # nobody upvotes a question not shown
    assert host.statuses() == {"a1": "pending"}
    checked_at_widths(aki, f"{lang}: Q&A, a question waiting for the host")
    shot(aki, f"qa-phone-waiting-{lang}")
    expect(entry(ben, "a1")).to_have_count(0)  # only its author sees it
    expect(ben.locator("#qap-empty")).to_be_visible()

    # Approved: shown on both, live; "You asked" on its author's phone only.
    host.moderate("a1", "approve")
    for phone in (aki, ben):
        expect(entry(phone, "a1").locator(".qap-entry-text")).to_have_text(SLIDES, timeout=LIVE)
        expect(entry(phone, "a1").locator(".qap-mark-waiting")).to_be_hidden()
        shows_count(phone, lang, "a1", 0, pressed=False)
    expect(entry(aki, "a1").locator(".qap-mark-yours")).to_be_visible()
    expect(entry(ben, "a1").locator(".qap-mark-yours")).to_be_hidden()
    expect(ben.locator("#qap-list-title")).to_have_text(say("qap_list_title", n=1))

    # Ben upvotes it, then takes it back: both phones follow.
    upvote_button(ben, "a1").click()
    shows_count(ben, lang, "a1", 1, pressed=True)
    shows_count(aki, lang, "a1", 1, pressed=False)
    upvote_button(ben, "a1").click()
    shows_count(ben, lang, "a1", 0, pressed=False)
    shows_count(aki, lang, "a1", 0, pressed=False)

    # Others ask; upvotes make the order. Popular: most upvotes, then the oldest first.
    a2 = host.ask_as(1, RECORDED)
    a3 = host.ask_as(2, BREAK)
    a4 = host.ask_as(3, PARKING)
    for entry_id in (a2, a3, a4):
        host.moderate(entry_id, "approve")
    host.upvote_as(a2, 4, 5)
    host.upvote_as(a3, 6)
    upvote_button(ben, a3).click()
    shows_count(ben, lang, a3, 2, pressed=True)
    for phone in (aki, ben):
        expect(texts(phone)).to_have_text([RECORDED, BREAK, SLIDES, PARKING], timeout=LIVE)
        shows_count(phone, lang, a2, 2, pressed=False)
    shows_count(aki, lang, a3, 2, pressed=False)
    aki.get_by_label(say("qap_sort_newest"), exact=True).check()
    expect(texts(aki)).to_have_text([PARKING, BREAK, RECORDED, SLIDES])
    aki.get_by_label(say("qap_sort_popular"), exact=True).check()
    expect(texts(aki)).to_have_text([RECORDED, BREAK, SLIDES, PARKING])

    # Pinned: first, and said to be answered now.
    host.moderate(a4, "pin")
    for phone in (aki, ben):
        expect(texts(phone)).to_have_text([PARKING, RECORDED, BREAK, SLIDES], timeout=LIVE)
        now = entry(phone, a4)
        expect(now.locator(".qap-mark-now")).to_have_text(f"▶ {say('qap_now')}")
        expect(now).to_have_class(re.compile(r"\bqap-pinned\b"))
    checked_at_widths(ben, f"{lang}: Q&A, a question being answered")
    shot(ben, f"qa-phone-pinned-{lang}")

    # Answered: unpinned, marked, after those still open.
    host.moderate(a4, "answered")
    for phone in (aki, ben):
        expect(texts(phone)).to_have_text([RECORDED, BREAK, SLIDES, PARKING], timeout=LIVE)
        done = entry(phone, a4)
        expect(done.locator(".qap-mark-answered")).to_have_text(f"✓ {say('qap_answered')}")
        expect(done.locator(".qap-mark-now")).to_be_hidden()

    # Hidden: gone from both.
    host.moderate(a2, "hide")
    for phone in (aki, ben):
        expect(texts(phone)).to_have_text([BREAK, SLIDES, PARKING], timeout=LIVE)
    checked_at_widths(aki, f"{lang}: Q&A, answered and hidden")

    # Off: the tabs go, live, and the poll is back with its half-made answer.
    host.qa("off")
    for phone in (aki, ben):
        expect(phone.locator("#qap-tabs")).to_be_hidden(timeout=LIVE)
        expect(phone.locator("#qap")).to_be_hidden()
        expect(card(phone, "Lunch?")).to_be_visible()
    expect(aki.get_by_label("Curry", exact=True)).to_be_checked()
    loaded()  # all of it on the stream opened at load


def test_a_question_refused_as_q_and_a_goes_off_says_so_keeps_its_text_and_goes_once_on(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = QaEvent(server, LUNCH, pace="audience")
    host.open("q1")
    host.qa("open")
    phone = open_page(PHONE)
    goto(phone, host.path)
    open_qa(phone, "en")
    expect(phone.locator("#qap-empty")).to_be_visible()

    # The host turns Q&A off just as the question goes out: the server refuses it (409).
    def host_first(route: Any) -> None:
        if route.request.method == "POST":
            host.qa("off")
        route.continue_()

    open_page.tolerate("409")  # the refusal, logged by Chromium as a failed load
    phone.route(f"**/api/events/{host.event_id}/qa", host_first)
    ask(phone, "en", SLIDES)
    error = phone.locator("#qap-error")
    expect(error).to_have_text(says("en", "qap_err_off"), timeout=LIVE)
    field = phone.locator("#qap-text")
    expect(field).to_have_value(SLIDES)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "qap-count qap-error")
    expect(phone.locator("#qap-tabs")).to_be_hidden(timeout=LIVE)
    expect(card(phone, "Lunch?")).to_be_visible()
    assert host.statuses() == {}
    phone.unroute(f"**/api/events/{host.event_id}/qa")

    # On again, open: the text is still there to send; it is on the list at once.
    host.qa("open")
    open_qa(phone, "en")
    expect(field).to_have_value(SLIDES)
    expect(error).to_have_text("")
    ask(phone, "en", SLIDES)
    expect(phone.locator("#qap-sent")).to_have_text(says("en", "qap_sent"), timeout=LIVE)
    mine = entry(phone, "a1")
    expect(mine.locator(".qap-entry-text")).to_have_text(SLIDES)
    expect(mine.locator(".qap-mark-waiting")).to_be_hidden()
    expect(mine.locator(".qap-mark-yours")).to_be_visible()
    shows_count(phone, "en", "a1", 0, pressed=False)
    assert host.statuses() == {"a1": "approved"}


def test_a_nickname_chosen_from_the_q_and_a_tab_goes_with_a_question_when_ticked(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = QaEvent(server, LUNCH, pace="audience")
    host.qa("open")
    phone = open_page(PHONE)
    goto(phone, host.path)
    expect(phone.locator("#ev-lobby")).to_be_visible()  # no poll open
    # The tabs by keyboard: the arrow keys move and select.
    polls = phone.get_by_role("tab", name="Polls", exact=True)
    polls.focus()
    phone.keyboard.press("ArrowRight")
    qa_tab = phone.get_by_role("tab", name="Q&A", exact=True)
    expect(qa_tab).to_be_focused()
    expect(qa_tab).to_have_attribute("aria-selected", "true")
    expect(phone.locator("#ev-lobby")).to_be_hidden()
    # A poll opened while Q&A is in front marks Polls "New", until it is chosen.
    host.open("q1")
    expect(phone.get_by_role("tab", name="Polls New", exact=True)).to_be_visible(timeout=LIVE)
    phone.keyboard.press("Home")
    expect(polls).to_have_attribute("aria-selected", "true")
    expect(phone.locator(".qap-new")).to_be_hidden()
    expect(card(phone, "Lunch?")).to_be_visible()
    open_qa(phone, "en")
    shown = phone.get_by_role("checkbox", name="Show my nickname", exact=True)
    expect(shown).to_be_disabled()  # no nickname yet
    expect(shown).not_to_be_checked()
    expect(phone.locator(".qap-no-nickname")).to_have_text("You have no nickname yet.")
    phone.get_by_role("button", name="Choose a nickname", exact=True).click()
    name = phone.get_by_role("textbox", name="Your nickname", exact=True)
    expect(name).to_be_focused()
    name.fill("Aki")
    phone.get_by_role("button", name="Save", exact=True).click()
    shown = phone.get_by_role("checkbox", name="Show my nickname (Aki)", exact=True)
    expect(shown).to_be_checked(timeout=LIVE)  # chosen to be shown
    expect(phone.locator(".qap-nickname-row")).to_be_hidden()
    ask(phone, "en", SLIDES)
    expect(entry(phone, "a1").locator(".qap-who")).to_have_text("Aki", timeout=LIVE)
    shown.uncheck()
    ask(phone, "en", BREAK)
    expect(entry(phone, "a2").locator(".qap-who")).to_have_text("Anonymous", timeout=LIVE)
    # Long user text, unbroken and Japanese, fits the narrowest phone.
    host.ask_as(1, TOKEN + TOKEN)
    host.ask_as(2, JAPANESE * 3)
    expect(texts(phone)).to_have_count(4, timeout=LIVE)
    checked_at_widths(phone, "Q&A with a nickname and long questions")


def test_an_upvote_given_elsewhere_shows_pressed_and_counts_once(
    open_page: Any, server: ServerProcess
) -> None:

    open_page.tolerate("409")  # already_voted, logged by Chromium as a failed load
    host = QaEvent(server, LUNCH)
    host.qa("open")
    a1 = host.ask_as(1, SLIDES)
    phone = open_page(PHONE)
    goto(phone, host.path)
    open_qa(phone, "en")
    shows_count(phone, "en", a1, 0, pressed=False)
    # The same participant (this browser's cookie) upvotes from another tab.
    (cookie,) = [c for c in phone.context.cookies() if c["name"] == "tohyo_voter"]
    again = httpx.post(
        f"{server.url}/api/events/{host.event_id}/qa/{a1}/upvote",
        headers={"cookie": f"tohyo_voter={cookie['value']}"},
    )
    assert again.status_code == 201, again.text
    shows_count(phone, "en", a1, 1, pressed=False)  # the frame's count; the mark is not in it
    phone.get_by_role("button", name="Upvote (1 upvote)", exact=True).click()
    shows_count(phone, "en", a1, 1, pressed=True)  # 409 already_voted: it is upvoted
    phone.get_by_role("button", name="Remove upvote (1 upvote)", exact=True).click()
    shows_count(phone, "en", a1, 0, pressed=False)


def test_the_hosts_preview_shows_what_a_phone_would_and_sends_nothing(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = QaEvent(server, LUNCH)
    host.qa("moderated")
    a1 = host.ask_as(1, SLIDES)
    a2 = host.ask_as(2, BREAK)  # waits for the host: no phone but its author's shows it
    a3 = host.ask_as(3, PARKING)
    for entry_id in (a1, a3):
        host.moderate(entry_id, "approve")
    host.moderate(a3, "hide")
    cookie = {"name": f"tohyo_host_{host.event_id}", "value": host.created["hostToken"]}
    hosts = open_page(PHONE)
    hosts.context.add_cookies([{**cookie, "url": server.url}])
    goto(hosts, host.path)  # the host's own page of the phone: the console has the Q&A
    expect(hosts.locator(".ev-host-note")).to_be_visible()
    expect(hosts.locator("#qap-tabs")).to_be_hidden()
    goto(hosts, f"{host.path}?preview=1")
    open_qa(hosts, "en")
    expect(texts(hosts)).to_have_text([SLIDES], timeout=LIVE)
    expect(entry(hosts, a2)).to_have_count(0)
    expect(hosts.locator("#qap-text")).to_be_disabled()
    expect(hosts.locator("#qap-sent")).to_have_text(says("en", "qap_preview"))
    expect(upvote_button(hosts, a1)).to_be_disabled()
    host.moderate(a2, "approve")  # live on the host's stream, cut to what phones see
    expect(texts(hosts)).to_have_text([SLIDES, BREAK], timeout=LIVE)
    checked_at_widths(hosts, "the host's preview of Q&A")


def test_a_waiting_question_the_host_hides_leaves_its_authors_list(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = QaEvent(server, LUNCH)
    host.qa("moderated")
    phone = open_page(PHONE)
    goto(phone, host.path)
    open_qa(phone, "en")
    ask(phone, "en", SLIDES)
    expect(entry(phone, "a1").locator(".qap-mark-waiting")).to_be_visible(timeout=LIVE)
    host.moderate("a1", "hide")
    # No frame names a phone's own waiting question: its page asks GET …/qa again, at most
    # every few seconds (qa_phone.js's CHECK_EVERY), and finds it gone.
    expect(entry(phone, "a1")).to_have_count(0, timeout=3 * LIVE)
    expect(phone.locator("#qap-empty")).to_be_visible()
