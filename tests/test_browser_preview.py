"""The host's preview as a participant (Debian's Chromium, Playwright, a real `tohyo
serve`): `/vote/{id}?preview=1` and `/e/{id}?preview=1` in the host's browser show the
participant's page under a "Preview — answers are not counted" banner; answering there
shows the thanks and what a participant would see, and sends nothing — the tallies the
host reads from the API stay where they were, and the preview is not counted among the
participants connected. In English and Japanese; for anyone else the flag does nothing.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import LAPTOP, PHONE, goto, wait_ready
from tests.conftest import QUESTION, ServerProcess
from tests.event_browser import assert_accessible, card
from tests.host_browser import Host, open_console, question
from tests.test_browser_presence import SOON

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

BANNER = {"en": "Preview — answers are not counted.", "ja": "プレビュー — 回答は集計されません。"}
LOCALES = {"en": "en-US", "ja": "ja-JP"}


def as_host(page: Any, host_page: Any) -> Any:
    """`page`'s browser given the host's cookie (as the host's own second tab)."""
    page.context.add_cookies(host_page.context.cookies())
    return page


def banner_text(page: Any) -> str:
    text: str = page.locator("#preview-banner strong").text_content()
    return text.replace("\u200b", "")  # Japanese phrase breaks aside


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_a_polls_preview_shows_the_voting_page_and_counts_nothing(
    open_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    created = httpx.post(
        server.url + "/api/vote", json={**QUESTION, "resultsVisibility": "after_vote"}
    ).json()
    session_id, auth = created["sessionId"], {"authorization": f"Bearer {created['hostToken']}"}
    console = open_page(LAPTOP)
    console.goto(created["hostUrl"])  # the host link: its token traded for the cookie
    expect(console.locator("body")).to_have_attribute("data-page", "host")
    wait_ready(console)
    expect(console.locator("#preview-link")).to_have_attribute(
        "href", f"/vote/{session_id}?preview=1"
    )

    preview = as_host(open_page(PHONE, locale=LOCALES[lang]), console)
    goto(preview, f"/vote/{session_id}?preview=1")
    expect(preview.locator("body")).to_have_attribute("data-page", "voter")
    assert banner_text(preview) == BANNER[lang]
    expect(preview.locator("#preview-banner a")).to_have_attribute("href", f"/vote/{session_id}")
    expect(preview.locator("#results-section")).to_be_hidden()  # after the vote, as a phone
    assert_accessible(preview, "poll preview")
    button = preview.locator('#vote-form button[type="submit"]')
    expect(button).to_be_disabled()  # the form's own check, as on a phone
    preview.get_by_label("Curry", exact=True).check()
    button.click()
    expect(preview.locator("#thanks")).to_be_visible()
    expect(preview.locator("#your-choices")).to_have_text("Curry")
    expect(preview.locator("#results-section")).to_be_visible()  # what a voter sees next

    view = httpx.get(f"{server.url}/api/vote/{session_id}", headers=auth).json()
    assert view["totalVotes"] == 0 and all(c["voteCount"] == 0 for c in view["choices"])

    # For a participant the flag does nothing.
    phone = open_page(PHONE)
    goto(phone, f"/vote/{session_id}?preview=1")
    expect(phone.locator("#preview-banner")).to_have_count(0)
    phone.get_by_label("Ramen", exact=True).check()
    phone.locator('#vote-form button[type="submit"]').click()
    expect(phone.locator("#thanks")).to_be_visible()
    after = httpx.get(f"{server.url}/api/vote/{session_id}", headers=auth).json()
    assert after["totalVotes"] == 1  # a real phone's vote counts


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_an_events_preview_answers_and_counts_nothing(
    open_page: Any, server: ServerProcess, lang: str
) -> None:
    from playwright.sync_api import expect

    host = Host(server, question("Lunch?", "Ramen", "Curry"), question("Drafty?", "A", "B"))
    console = open_console(open_page, host)
    presence = console.locator("#join #presence")
    expect(presence).to_have_text("0 connected", timeout=SOON)
    # the console's link to it (templates/event_host.html)
    expect(console.locator("#preview-link")).to_have_attribute(
        "href", f"/e/{host.event_id}?preview=1"
    )

    preview = as_host(open_page(PHONE, locale=LOCALES[lang]), console)
    goto(preview, f"/e/{host.event_id}?preview=1")
    assert banner_text(preview) == BANNER[lang]
    expect(preview.locator("#ev-lobby")).to_be_visible()  # nothing presented yet
    expect(preview.get_by_text("Drafty?")).to_have_count(0)  # drafts are the host's

    host.open_and_present("q1")  # reaches the preview on its stream: it is connected
    lunch = card(preview, "Lunch?")
    expect(lunch).to_be_visible(timeout=SOON)
    expect(lunch.locator(".ev-position")).to_have_text(re.compile("1"))
    expect(lunch.locator(".ev-results")).to_be_hidden()  # after the answer, as on a phone
    assert_accessible(preview, "event preview")
    phone = open_page(PHONE)
    goto(phone, f"/e/{host.event_id}")
    expect(presence).to_have_text("1 connected", timeout=SOON)  # the phone, not the preview

    lunch.get_by_label("Curry", exact=True).check()
    lunch.locator('button[type="submit"]').click()
    expect(lunch.locator(".thanks")).to_be_visible()
    expect(lunch.locator(".ev-mine")).to_have_text("Curry")
    expect(lunch.locator(".ev-results")).to_be_visible()  # what a participant sees next
    (q1,) = [q for q in host.event()["questions"] if q["questionId"] == "q1"]
    assert q1["results"]["totalVotes"] == 0

    phone.close()  # the one participant leaves; the preview stays open
    expect(presence).to_have_text("0 connected", timeout=SOON)
    expect(preview.locator("#connection")).to_be_hidden()
    (q1,) = [q for q in host.event()["questions"] if q["questionId"] == "q1"]
    assert q1["results"]["totalVotes"] == 0
