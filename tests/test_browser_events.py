"""The participant's pages of events in a real browser: Debian's Chromium driven by
Playwright against a real `tohyo serve` (tests/browser.py), the host acting through the
HTTP API with its Bearer token, as a host console would.

Every phone is its own browser context (its own cookies). A phone follows the whole event
on one stream and never reloads: each test marks the page once it has loaded and checks
the mark, the navigation count and the stream count at the end. axe-core (the copy the
`axe-playwright-python` package ships) checks every state a phone passes through.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import LAPTOP, PHONE, goto, shot, wait_ready
from tests.components import unavailable
from tests.conftest import QUESTION, ServerProcess, voter

pytestmark = pytest.mark.slow

LIVE = 2000  # ms: what the host does reaches every phone within this

browser, server, open_page = pages.browser, pages.server, pages.open_page


# --- the host, through the API ---------------------------------------------------------


def question(prompt: str, *choices: str, **extra: Any) -> dict[str, Any]:
    return {"type": "single", "prompt": prompt, "choices": [{"text": c} for c in choices], **extra}


LUNCH = question("Lunch?", "Ramen", "Curry", "Sushi")
DRINKS = question("Drinks?", "Tea", "Coffee", type="multiple", resultsVisibility="always")
LATER = question("Dessert?", "Cake", "Fruit")


class Host:
    """An event and its host, acting with the host token."""

    def __init__(self, server: ServerProcess, *questions: dict[str, Any], **body: Any) -> None:
        self.server = server
        created = httpx.post(
            server.url + "/api/events",
            json={"title": "Friday workshop", "questions": list(questions), **body},
        )
        assert created.status_code == 201, created.text
        self.created: dict[str, Any] = created.json()
        self.event_id: str = self.created["eventId"]
        self.code: str = self.created["code"]
        self.path = f"/e/{self.event_id}"

    def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = httpx.request(
            method,
            f"{self.server.url}/api/events/{self.event_id}{path}",
            json=body if body is not None else {},
            headers={"authorization": f"Bearer {self.created['hostToken']}"},
        )
        assert response.status_code in (200, 201), response.text
        answer: dict[str, Any] = response.json()
        return answer

    def open(self, question_id: str) -> None:
        self.call("POST", f"/questions/{question_id}/open")

    def close(self, question_id: str) -> None:
        self.call("POST", f"/questions/{question_id}/close")

    def present(self, question_id: str | None) -> None:
        self.call("POST", "/present", {"questionId": question_id})

    def open_and_present(self, question_id: str) -> None:
        self.open(question_id)
        self.present(question_id)

    def answer_as(self, n: int, question_id: str, *choice_ids: str) -> None:
        """Another participant answers (a phone this test does not drive)."""
        response = httpx.post(
            f"{self.server.url}/api/events/{self.event_id}/questions/{question_id}/responses",
            json={"choiceIds": list(choice_ids)},
            headers=voter(n),
        )
        assert response.status_code == 201, response.text


# --- the phone ---------------------------------------------------------------------------


def following(page: Any) -> Callable[[], None]:
    """Mark a loaded page; the returned check fails if it has reloaded or navigated since,
    or opened more than its one stream."""
    page.evaluate("() => { window.tohyoMark = 'loaded once'; }")
    navigations: list[str] = []
    streams: list[str] = []
    page.on("framenavigated", lambda f: navigations.append(f.url) if f == page.main_frame else 0)
    page.on("request", lambda r: streams.append(r.url) if r.url.endswith("/stream") else 0)

    def check() -> None:
        assert navigations == []
        assert page.evaluate("() => window.tohyoMark") == "loaded once"
        assert page.evaluate("() => performance.getEntriesByType('navigation').length") == 1
        assert streams == []  # the stream opened at load is the only one

    return check


def card(page: Any, prompt: str) -> Any:
    """The question's section on the phone, found by its heading."""
    return page.locator("section.ev-question").filter(
        has=page.get_by_role("heading", name=prompt, exact=True)
    )


def bar_value(section: Any, choice: str) -> Any:
    return section.locator(".bar").filter(has_text=choice).locator(".bar-value")


def answer(page: Any, prompt: str, *choices: str, button: str = "Vote") -> Any:
    section = card(page, prompt)
    for text in choices:
        section.get_by_label(text, exact=True).check()
    section.get_by_role("button", name=button).click()
    return section


def axe_script() -> str:
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text()
    except ModuleNotFoundError:
        unavailable("the accessibility checks need axe-playwright-python (test extras)")


def assert_accessible(page: Any, state: str) -> None:
    """axe-core over the whole page as it is now: no violations, WCAG or best practice."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())  # through the debugging protocol: the CSP does not apply
    found = page.evaluate("async () => (await axe.run(document)).violations")
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in found
    ]
    assert problems == [], f"{state}: {problems}"


def join_from_index(page: Any, code: str) -> None:
    goto(page, "/")
    page.get_by_label("Join with a code").fill(code)
    page.get_by_role("button", name="Join", exact=True).click()


# --- tests -------------------------------------------------------------------------------


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
    goto(phone, host.path)
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


def test_join_refuses_unknown_codes_and_says_when_to_wait(
    browser: Any, open_page: Any, server: ServerProcess, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page = open_page()
    open_page.tolerate("404")  # the lookup of the unknown code, logged by Chromium
    join_from_index(page, "")
    error = page.locator("#join-error")
    expect(error).to_have_text("Enter the code from the host's screen, such as 123 456.")
    page.get_by_label("Join with a code").fill("012 345")  # no code starts with 0
    page.get_by_role("button", name="Join", exact=True).click()
    expect(error).to_have_text("No live event has this code. Check the code on the host's screen.")
    expect(page.get_by_label("Join with a code")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Join with a code")).to_be_focused()
    assert_accessible(page, "join refused")
    shot(page, "join-refused")
    japanese = open_page(PHONE, locale="ja-JP")
    goto(japanese, "/")
    japanese.get_by_label("コードで参加").fill("０１２ ３４５")  # full-width digits too
    japanese.get_by_role("button", name="参加する").click()
    expect(japanese.locator("#join-error")).to_have_text(
        "このコードの開催中のイベントはありません。ホストの画面のコードを確認してください。"
    )

    limited = ServerProcess(
        f"sqlite:///{tmp_path / 'limited.db'}",
        tmp_path / "limited.log",
        TOHYO_LIMIT_JOIN="2/minute",
    ).start()
    context = browser.new_context(base_url=limited.url, viewport=PHONE)
    try:
        phone = context.new_page()
        goto(phone, "/")
        for _ in range(2):
            httpx.get(f"{limited.url}/api/join/123456")  # spends this address's budget
        phone.get_by_label("Join with a code").fill("123 456")
        phone.get_by_role("button", name="Join", exact=True).click()
        expect(phone.locator("#join-error")).to_have_text(
            "Too many tries from this network. Wait a minute, then try again."
        )
        expect(phone.get_by_role("button", name="Join", exact=True)).to_be_enabled()
    finally:
        context.close()
        limited.stop()


def test_creating_an_event_keeps_its_host_link_in_my_events(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    laptop = open_page(LAPTOP)
    goto(laptop, "/mine")
    expect(laptop.locator("#mine-empty")).to_be_visible()
    goto(laptop, "/")
    laptop.get_by_role("link", name="Create an event with several questions").click()
    wait_ready(laptop)
    assert_accessible(laptop, "create an event")
    laptop.get_by_label("Event title").fill("Team retro")
    laptop.get_by_label("Question", exact=True).fill("How was the week?")
    laptop.get_by_role("button", name="Create event").click()  # its choices are missing
    expect(laptop.locator("#form-error")).to_have_text("Please correct the highlighted fields.")
    expect(laptop.get_by_label("Question 1: Choice 1")).to_be_focused()
    laptop.get_by_label("Question 1: Choice 1").fill("Good")
    laptop.get_by_label("Question 1: Choice 2").fill("Bad")
    laptop.get_by_role("button", name="Add a question").click()
    expect(laptop.get_by_role("group", name="Question 2", exact=True)).to_be_visible()
    shot(laptop, "event-create")
    laptop.get_by_role("button", name="Remove question 2").click()
    laptop.get_by_role("button", name="Create event").click()
    # The host link: its page trades the token for the cookie, and shows the host view.
    laptop.wait_for_url(re.compile(r"/e/[0-9a-f-]{36}/host$"))
    wait_ready(laptop)
    event_id = re.search(r"/e/([0-9a-f-]{36})/host", laptop.url).group(1)  # type: ignore[union-attr]
    read = httpx.get(f"{server.url}/api/events/{event_id}").json()
    assert read["title"] == "Team retro" and read["pace"] == "presenter"

    goto(laptop, "/")  # a poll, the classic way, is listed too
    laptop.get_by_label("Question").fill("Pizza?")
    laptop.get_by_label("Choice 1", exact=True).fill("Yes")
    laptop.get_by_label("Choice 2", exact=True).fill("No")
    laptop.get_by_role("button", name="Create vote").click()
    laptop.wait_for_url(re.compile(r"/vote/"))

    goto(laptop, "/")
    laptop.get_by_role("link", name="My events and votes").click()
    wait_ready(laptop)
    items = laptop.locator(".mine-item")
    expect(items).to_have_count(2)
    expect(items.locator(".mine-title")).to_have_text(["Pizza?", "Team retro"])  # newest first
    retro = items.nth(1)
    expect(retro.locator(".mine-kind")).to_have_text("Event")
    expect(retro.locator(".mine-state")).to_have_text("Live")
    link = retro.get_by_label("Host link").input_value()
    assert re.fullmatch(rf"{re.escape(server.url)}/e/{event_id}/host#host=[\w-]+", link)
    assert_accessible(laptop, "my events")
    shot(laptop, "my-events")

    # The host link opens the host view in a browser that never had the cookie.
    other = open_page(LAPTOP)
    other.goto(link)
    expect(other.locator("body")).to_have_attribute("data-page", "event-host", timeout=5000)

    items.first.get_by_role("button", name="Remove from this list").click()
    items.first.get_by_role("button", name="Keep").click()
    expect(items).to_have_count(2)
    items.first.get_by_role("button", name="Remove from this list").click()
    items.first.get_by_role("button", name="Remove", exact=True).click()
    expect(items).to_have_count(1)
    laptop.reload()
    expect(laptop.locator(".mine-item .mine-title")).to_have_text(["Team retro"])


def test_my_events_adopts_the_host_links_kept_before_it(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    poll = httpx.post(server.url + "/api/vote", json={**QUESTION, "question": "Older?"}).json()
    laptop = open_page(LAPTOP)
    goto(laptop, "/")
    # What the poll's create page kept before "My events" existed.
    laptop.evaluate(
        "([id, url]) => localStorage.setItem(`tohyo.hostUrl.${id}`, url)",
        [poll["sessionId"], poll["hostUrl"]],
    )
    goto(laptop, "/mine")
    item = laptop.locator(".mine-item")
    expect(item).to_have_count(1)
    expect(item.locator(".mine-title")).to_have_text("Older?")  # asked of the API
    expect(item.locator(".mine-state")).to_have_text("Voting open")
    expect(item.get_by_label("Host link")).to_have_value(poll["hostUrl"])
