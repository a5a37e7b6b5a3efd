"""No page scrolls sideways, in a real browser (Debian's Chromium, Playwright, a real
`tohyo serve`): every page at 320, 375 and 1280 px (presenter mode at 1920 too), in English
and Japanese, with long unbroken user text — a 60-character link-like token and Japanese
with no spaces — in every field that shows it. Each state is checked by
tests/layout_browser.no_sideways_scroll, which names the element past the right edge.

The pages: creating a poll or an event, joining, My events, not found; a poll's host view
(its close dialog open), its voting page before and after the vote, its presenter mode; an
event's phone in the lobby, at each question type before and after answering with the
results shown, and ended; its console at each type (the moderation, the question dialog,
a confirm dialog), its presenter mode at each type, its summary, and the page for anyone
but the host.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import LAPTOP, PHONE, goto, wait_ready
from tests.conftest import ServerProcess, voter
from tests.layout_browser import JAPANESE, LONG_TEXT, TOKEN, at_widths

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

PAGES = (320, 375, 1280)
SCREENS = (320, 375, 1280, 1920)  # presenter mode: a phone, a laptop and a projector
LOCALES = ["en-US", "ja-JP"]
WORD = TOKEN[:40]  # a word cloud's entry at its limit
CHOICES = [{"text": TOKEN}, {"text": JAPANESE}, {"text": "OK"}]


def poll(server: ServerProcess, vote_type: str = "single") -> dict[str, Any]:
    created: dict[str, Any] = httpx.post(
        server.url + "/api/vote",
        json={"question": LONG_TEXT, "voteType": vote_type, "choices": CHOICES},
    ).json()
    for n in range(3):  # others' ballots: the chart has bars
        httpx.post(
            f"{server.url}/api/vote/{created['sessionId']}",
            json={"choiceIds": [str(n + 1)]},
            headers=voter(8000 + n),
        )
    return created


@pytest.mark.parametrize("locale", LOCALES)
def test_no_page_of_a_poll_scrolls_sideways(
    open_page: Any, server: ServerProcess, locale: str
) -> None:
    from playwright.sync_api import expect

    created = poll(server)
    open_page.tolerate("404")  # the pages not found, logged by Chromium as failed loads
    page = open_page(PHONE, locale=locale)
    for path in ("/", "/events/new", "/nope", f"/vote/{uuid.uuid4()}", f"/e/{uuid.uuid4()}/host"):
        goto(page, path)
        at_widths(page, path, PAGES)
    # My events, listing what this browser made: long titles and links.
    page.evaluate(
        """([title, hostUrl]) => localStorage.setItem('tohyo.mine', JSON.stringify([
            {kind: 'poll', id: 'p1', title, createdAt: new Date(0).toISOString(), hostUrl,
             joinUrl: hostUrl},
            {kind: 'event', id: 'e1', title, createdAt: new Date(0).toISOString(),
             hostUrl: hostUrl + '/' + title, joinUrl: hostUrl}]))""",
        [LONG_TEXT, created["hostUrl"]],
    )
    goto(page, "/mine")
    expect(page.locator("#mine-list .mine-item")).to_have_count(2)
    at_widths(page, "My events", PAGES)

    # The host view, its close dialog, presenter mode.
    page.goto(created["hostUrl"].replace(server.url, ""))
    expect(page.locator("body")).to_have_attribute("data-page", "host")
    wait_ready(page)
    expect(page.locator("#total")).to_contain_text("3")
    at_widths(page, "the host view", PAGES)
    page.locator("#close-voting").click()
    expect(page.locator("#close-dialog")).to_be_visible()
    at_widths(page, "the host view's close dialog", PAGES)
    page.keyboard.press("Escape")
    expect(page.locator("#close-dialog")).to_be_hidden()
    for kind in ("pie", "bar"):
        page.locator(f'input[name="chart"][value="{kind}"]').check()
        at_widths(page, f"the host view with the {kind}", PAGES)
    page.locator("#present").click()
    expect(page.locator("body")).to_have_class(re.compile("presenter"))
    for kind in ("pie", "bar"):
        page.locator(f'input[name="chart"][value="{kind}"]').check()
        at_widths(page, f"presenter mode with the {kind}", SCREENS, height=720)

    # The voting page, before and after the vote (multiple choice: the longest thanks).
    for vote_type in ("single", "multiple"):
        session = poll(server, vote_type)
        phone = open_page(PHONE, locale=locale)
        goto(phone, f"/vote/{session['sessionId']}")
        at_widths(phone, f"the {vote_type} voting page", PAGES)
        for option in phone.locator(".option input").all()[:2]:
            option.check()
        phone.locator('#vote-form button[type="submit"]').click()
        expect(phone.locator("#thanks")).to_be_visible()
        expect(phone.locator("#results-section")).to_be_visible()
        at_widths(phone, f"the {vote_type} voting page after the vote", PAGES)


def typed_questions() -> list[dict[str, Any]]:
    """One question of each type, long texts everywhere, results shown to everyone."""
    always = {"resultsVisibility": "always"}
    return [
        {"type": "single", "prompt": f"1 {LONG_TEXT}", "choices": CHOICES, **always},
        {"type": "multiple", "prompt": f"2 {LONG_TEXT}", "choices": CHOICES, **always},
        {"type": "wordcloud", "prompt": f"3 {LONG_TEXT}", **always},
        {"type": "text", "prompt": f"4 {LONG_TEXT}", **always},
        {
            "type": "scale",
            "prompt": f"5 {LONG_TEXT}",
            "points": 11,
            "labels": {"low": TOKEN[:40], "high": JAPANESE[:40]},
            "statements": [{"text": TOKEN}, {"text": JAPANESE}],
            **always,
        },
        {"type": "ranking", "prompt": f"6 {LONG_TEXT}", "choices": CHOICES, **always},
    ]


# Others' answers, so that every type has results to draw: long words, cards, names.
OTHERS = {
    "single": [{"choiceIds": ["1"]}, {"choiceIds": ["2"]}],
    "multiple": [{"choiceIds": ["1", "2"]}, {"choiceIds": ["3"]}],
    "wordcloud": [{"entries": [WORD, JAPANESE[:40]]}, {"entries": [WORD]}],
    "text": [{"text": f"{TOKEN}{JAPANESE}" * 3}, {"text": JAPANESE * 4}],
    "scale": [{"values": [11, 1]}, {"values": [1, 11]}],
    "ranking": [{"ranking": ["1", "2", "3"]}, {"ranking": ["3", "2", "1"]}],
}


def answer_on_the_phone(section: Any, type_: str) -> None:
    """Answer the question in `section` as a person would, in any language."""
    if type_ in ("single", "multiple"):
        for option in section.locator(".option input").all()[: 2 if type_ == "multiple" else 1]:
            option.check()
    elif type_ == "wordcloud":
        for word in (WORD, JAPANESE[:40]):
            section.locator(".ev-entry").fill(word)
            section.locator(".ev-add").click()
    elif type_ == "text":
        section.locator(".ev-text-field").fill(f"{TOKEN}{JAPANESE}" * 2)
    elif type_ == "scale":
        for row in section.locator(".ev-scale-row").all():
            row.locator(".ev-point").last.click()
    section.locator('button[type="submit"]').click()  # a ranking sends its order as shown


class Event:
    """An event of every type, as its host runs it through the API."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        created = httpx.post(
            server.url + "/api/events", json={"title": LONG_TEXT, "questions": typed_questions()}
        )
        assert created.status_code == 201, created.text
        self.created: dict[str, Any] = created.json()
        self.id: str = self.created["eventId"]
        self.question_ids: list[str] = self.created["questionIds"]

    def call(self, path: str, body: dict[str, Any] | None = None) -> None:
        response = httpx.post(
            f"{self.server.url}/api/events/{self.id}{path}",
            json=body or {},
            headers={"authorization": f"Bearer {self.created['hostToken']}"},
        )
        assert response.status_code < 300, response.text

    def others_answer(self, question_id: str, type_: str) -> None:
        for n, body in enumerate(OTHERS[type_]):
            response = httpx.post(
                f"{self.server.url}/api/events/{self.id}/questions/{question_id}/responses",
                json=body,
                headers=voter(8100 + n),
            )
            assert response.status_code == 201, response.text


@pytest.mark.parametrize("locale", LOCALES)
def test_no_page_of_an_event_scrolls_sideways(
    open_page: Any, server: ServerProcess, locale: str
) -> None:
    from playwright.sync_api import expect

    event = Event(server)
    phone = open_page(PHONE, locale=locale)
    goto(phone, f"/e/{event.id}")
    expect(phone.locator("#ev-lobby")).to_be_visible()
    at_widths(phone, "the phone in the lobby", PAGES)

    console = open_page(LAPTOP, locale=locale)
    console.goto(event.created["hostUrl"].replace(server.url, ""))
    expect(console.locator("body")).to_have_attribute("data-page", "event-host")
    wait_ready(console)
    at_widths(console, "the console in the lobby", PAGES)
    presenter = console.context.new_page()
    goto(presenter, f"/e/{event.id}/present")
    at_widths(presenter, "presenter mode in the lobby", SCREENS, height=720)

    for question, question_id in zip(typed_questions(), event.question_ids, strict=True):
        type_ = question["type"]
        event.call(f"/questions/{question_id}/open")
        event.call("/present", {"questionId": question_id})
        event.others_answer(question_id, type_)
        section = phone.locator("section.ev-question").filter(
            has=phone.locator(".ev-prompt", has_text=question["prompt"])
        )
        expect(section.locator('button[type="submit"]')).to_be_visible()
        expect(section.locator(".ev-results")).to_be_visible()
        at_widths(phone, f"the phone at a {type_} question", PAGES)
        answer_on_the_phone(section, type_)
        expect(section.locator(".thanks")).to_be_visible()
        at_widths(phone, f"the phone after answering a {type_} question", PAGES)

        expect(console.locator("#presented-prompt")).to_have_text(question["prompt"])
        at_widths(console, f"the console at a {type_} question", PAGES)
        if type_ in ("wordcloud", "text"):
            expect(console.locator("#moderation")).to_be_visible()
        expect(presenter.locator("#present-prompt")).to_have_text(question["prompt"])
        at_widths(presenter, f"presenter mode at a {type_} question", SCREENS, height=720)

    # The console's dialogs: a question's form (every type's fields), a confirmation.
    console.locator("#add-question").click()
    dialog = console.locator("#question-dialog")
    expect(dialog).to_be_visible()
    for type_ in ("single", "wordcloud", "scale", "ranking"):
        dialog.locator(f'.qf-types input[value="{type_}"]').check()
        dialog.locator("input:visible, textarea:visible").first.fill(LONG_TEXT)
        at_widths(console, f"the question dialog for a {type_} question", PAGES)
    console.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    console.locator("#end-event").click()
    expect(console.locator("#end-dialog")).to_be_visible()
    at_widths(console, "the confirmation to end the event", PAGES)
    console.keyboard.press("Escape")

    event.call("/end")
    expect(phone.locator("#ev-ended")).to_be_visible()
    at_widths(phone, "the phone once the event has ended", PAGES)
    goto(console, f"/e/{event.id}/summary")
    at_widths(console, "the summary", PAGES)
    stranger = open_page(PHONE, locale=locale)
    for path in ("host", "present", "summary"):
        goto(stranger, f"/e/{event.id}/{path}")
        expect(stranger.locator("body")).to_have_attribute("data-page", "event-not-host")
        at_widths(stranger, f"the {path} page for anyone but the host", PAGES)
