"""The host's pages of events in a real browser: Debian's Chromium driven by Playwright,
against a real `tohyo serve` on a free port (tests/browser.py).

A host builds an event in the console (add, edit, reorder, delete a draft), runs it (Next,
Previous, the lobby, close, reopen, a new round, the pace, the end) while answers come in
through the API and the console follows the one stream; presenter mode fits a 1280×720
and a 1024×768 projector with ten choices (every label, full percentage and the total
inside the viewport, nothing scrolls) and answers to its keys; the summary lists every
question and round, live, with its files. axe-core (the copy the `axe-playwright-python`
package ships) checks each page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import LAPTOP, PHONE, goto, settled, shot, wait_ready
from tests.components import unavailable
from tests.conftest import ServerProcess

pytestmark = pytest.mark.slow

LIVE = 5000  # ms: a change reaches an open page well within this (a loaded machine too)
PROJECTORS = ({"width": 1280, "height": 720}, {"width": 1024, "height": 768})
TEN = [f"Choice {i}: {word}" for i, word in enumerate(
    ["Ramen", "Curry", "Sushi", "Soba", "Udon", "Tempura", "Yakitori", "Okonomiyaki",
     "Gyoza", "Onigiri"], start=1)]  # fmt: skip

browser, server, open_page = pages.browser, pages.server, pages.open_page
voters = count(1)


def question(prompt: str, *choices: str, type_: str = "single") -> dict[str, Any]:
    return {"type": type_, "prompt": prompt, "choices": [{"text": c} for c in choices]}


class Host:
    """The host's side through the API (Bearer token), and answers from invented phones."""

    def __init__(self, server: ServerProcess, *questions: dict[str, Any]) -> None:
        self.server = server
        created = httpx.post(
            server.url + "/api/events", json={"title": "Workshop", "questions": list(questions)}
        )
        assert created.status_code == 201, created.text
        self.created: dict[str, Any] = created.json()
        self.event_id: str = self.created["eventId"]
        self.auth = {"authorization": f"Bearer {self.created['hostToken']}"}

    @property
    def host_path(self) -> str:
        return str(self.created["hostUrl"]).replace(self.server.url, "")

    def call(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        response = httpx.request(
            method,
            f"{self.server.url}/api/events/{self.event_id}{path}",
            json=body,
            headers=self.auth,
        )
        assert response.status_code < 300, response.text
        answer: dict[str, Any] = response.json()
        return answer

    def event(self) -> dict[str, Any]:
        return self.call("GET", "")

    def open_and_present(self, question_id: str) -> None:
        self.call("POST", f"/questions/{question_id}/open", {})
        self.call("POST", "/present", {"questionId": question_id})

    def answer(self, question_id: str, *choice_ids: str) -> None:
        response = httpx.post(
            f"{self.server.url}/api/events/{self.event_id}/questions/{question_id}/responses",
            json={"choiceIds": list(choice_ids)},
            headers={"cookie": f"tohyo_voter=hostpagevoter{next(voters):010d}"},
        )
        assert response.status_code == 201, response.text


def open_console(open_page: Callable[..., Any], host: Host, **options: Any) -> Any:
    """The host link in a fresh browser: its token is traded for the cookie."""
    from playwright.sync_api import expect

    page = open_page(options.pop("viewport", LAPTOP), **options)
    page.goto(host.host_path)
    expect(page.locator("body")).to_have_attribute("data-page", "event-host")
    wait_ready(page)
    assert "#host=" not in page.url  # the token leaves the address bar
    return page


def axe_script() -> str:
    try:
        return (resources.files("axe_playwright_python") / "axe.min.js").read_text()
    except ModuleNotFoundError:
        unavailable("the accessibility checks need axe-playwright-python (test extras)")


def assert_accessible(page: Any, state: str) -> None:
    """axe-core over the whole page as it is now: no violations, WCAG or best practice."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_script())  # through the debugging protocol: the CSP does not apply
    settled(page)  # colors mid-transition are not the page's colors
    found = page.evaluate("async () => (await axe.run(document)).violations")
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:3])
        for v in found
    ]
    assert problems == [], f"{state}: {problems}"


def rows(page: Any) -> Any:
    return page.locator("#question-list .question-prompt")


def row(page: Any, prompt: str) -> Any:
    return page.locator("#question-list .question-row").filter(
        has=page.locator(".question-prompt", has_text=re.compile(f"^{re.escape(prompt)}$"))
    )


def bar_value(page: Any, choice_id: str) -> Any:
    return page.locator(f'#results .bar[data-choice-id="{choice_id}"] .bar-value')


def add_question(page: Any, prompt: str, choices: list[str], multiple: bool = False) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Add a question").click()
    dialog = page.locator("#question-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Question", exact=True).fill(prompt)
    if multiple:
        dialog.get_by_label("Multiple choice").check()
    for i, text in enumerate(choices, start=1):
        if i > 2:
            dialog.get_by_role("button", name="Add a choice").click()
        dialog.get_by_label(f"Choice {i}", exact=True).fill(text)
    dialog.get_by_role("button", name="Add a question").click()
    expect(dialog).to_be_hidden()
    expect(row(page, prompt)).to_have_count(1, timeout=LIVE)


def test_a_host_builds_and_runs_an_event_in_the_console(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server)  # an event with no questions yet
    page = open_console(open_page, host)
    expect(page.locator("#no-questions")).to_be_visible()
    code = host.created["code"]
    expect(page.locator("#join-code")).to_contain_text(f"{code[:3]} {code[3:]}")
    assert page.locator("#join .qr-code").is_visible()

    # Build: add four, edit one, delete one, reorder by keyboard.
    add_question(page, "Lunch?", ["Ramen", "Curry", "Sushi"])
    add_question(page, "Coffee or tea?", ["Coffee", "Tea"])
    add_question(page, "Typo questoin", ["A", "B"])
    add_question(page, "Dessert?", ["Cake", "Ice cream"], multiple=True)
    # A refusal lands on its field: an empty choice is caught before it is sent.
    page.get_by_role("button", name="Add a question").click()
    dialog = page.locator("#question-dialog")
    dialog.get_by_label("Question", exact=True).fill("Half done?")
    dialog.get_by_label("Choice 1", exact=True).fill("Only one")
    dialog.get_by_role("button", name="Add a question").click()
    expect(page.locator("#q-choice-2-error")).to_have_text("Enter 1–100 characters.")
    assert_accessible(page, "the question dialog with an error")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()

    row(page, "Typo questoin").get_by_role("button", name="Edit").click()
    expect(page.locator("#question-dialog-title")).to_have_text("Edit question 3")
    expect(dialog.get_by_label("Choice 2", exact=True)).to_have_value("B")
    dialog.get_by_label("Question", exact=True).fill("Which city?")
    dialog.get_by_label("Choice 1", exact=True).fill("Kyoto")
    dialog.get_by_label("Choice 2", exact=True).fill("Osaka")
    dialog.get_by_role("button", name="Add a choice").click()
    dialog.get_by_label("Choice 3", exact=True).fill("Nara")
    dialog.get_by_role("button", name="Save").click()
    expect(row(page, "Which city?")).to_contain_text("3 choices", timeout=LIVE)

    row(page, "Coffee or tea?").get_by_role("button", name="Delete").click()
    expect(row(page, "Coffee or tea?")).to_have_count(0, timeout=LIVE)
    expect(rows(page)).to_have_text(["Lunch?", "Which city?", "Dessert?"])

    move_up = page.get_by_role("button", name="Move question 3 up")
    move_up.focus()
    page.keyboard.press("Enter")  # keyboard alone: the buttons are real buttons
    expect(rows(page)).to_have_text(["Lunch?", "Dessert?", "Which city?"], timeout=LIVE)
    # Focus stayed on the moved question's arrow (now question 2's).
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Move question 2 up"
    )
    built = host.event()["questions"]
    assert [q["prompt"] for q in built] == ["Lunch?", "Dessert?", "Which city?"]
    assert [len(q["choices"]) for q in built] == [3, 2, 3]
    assert [q["type"] for q in built] == ["single", "multiple", "single"]
    lunch, dessert, city = (q["questionId"] for q in built)
    assert_accessible(page, "the console with three drafts")

    # Run: Next opens and presents the first question; answers show live.
    expect(page.get_by_role("button", name="Previous")).to_be_disabled()
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#presented-prompt")).to_have_text("Lunch?", timeout=LIVE)
    expect(page.locator("#presented-status")).to_have_text("Open")
    expect(row(page, "Lunch?").locator('[data-field="on-screen"]')).to_be_visible()
    expect(page.locator("#total")).to_have_text("No votes yet")
    for choice in ("1", "2", "1"):
        host.answer(lunch, choice)
    expect(bar_value(page, "1")).to_have_text("2 · 66.7%", timeout=LIVE)  # no reload
    expect(bar_value(page, "2")).to_have_text("1 · 33.3%")
    expect(page.locator("#total")).to_have_text("3 ballots")
    assert_accessible(page, "the console presenting a question with results")

    page.get_by_role("button", name="Next").click()
    expect(page.locator("#presented-prompt")).to_have_text("Dessert?", timeout=LIVE)
    expect(page.locator("#presented-status")).to_have_text("Open")  # the draft was opened
    assert host.event()["presenting"] == dessert
    page.get_by_role("button", name="Previous").click()
    expect(page.locator("#presented-prompt")).to_have_text("Lunch?", timeout=LIVE)
    expect(page.locator("#total")).to_have_text("3 ballots")

    # Close, reopen (the same round), reset (a new round from zero).
    page.locator("#presented").get_by_role("button", name="Close", exact=True).click()
    expect(page.locator("#presented-status")).to_have_text("Closed", timeout=LIVE)
    page.locator("#presented").get_by_role("button", name="Reopen").click()
    expect(page.locator("#presented-status")).to_have_text("Open", timeout=LIVE)
    expect(page.locator("#presented-round")).to_have_text("Round 1")
    page.locator("#presented").get_by_role("button", name="New round").click()
    expect(page.locator("#presented-round")).to_have_text("Round 2", timeout=LIVE)
    expect(page.locator("#total")).to_have_text("No votes yet")
    host.answer(lunch, "3")
    expect(bar_value(page, "3")).to_have_text("1 · 100%", timeout=LIVE)
    page.get_by_role("button", name="Close in 1 min").click()  # a deadline, as polls have
    expect(page.locator("#countdown")).to_contain_text(re.compile(r"Closes in [01]:\d\d"))
    assert "closesAt" in host.event()["questions"][0]
    expect(row(page, "Lunch?").locator('[data-field="round"]')).to_have_text("Round 2")

    # The lobby, then Next goes on after the last question asked (not back to the start).
    page.get_by_role("button", name="Lobby").click()
    expect(page.locator("#lobby-note")).to_be_visible(timeout=LIVE)
    expect(page.get_by_role("button", name="Lobby")).to_have_attribute("aria-pressed", "true")
    assert host.event()["presenting"] is None
    page.get_by_role("button", name="Next").click()
    expect(page.locator("#presented-prompt")).to_have_text("Which city?", timeout=LIVE)
    expect(page.get_by_role("button", name="Next")).to_be_disabled()  # the last question
    assert host.event()["presenting"] == city

    # A question's own controls: close one from the list, present another.
    row(page, "Dessert?").get_by_role("button", name="Close").click()
    expect(row(page, "Dessert?").locator('[data-field="status"]')).to_have_text(
        "Closed", timeout=LIVE
    )
    row(page, "Dessert?").get_by_role("button", name="Present").click()
    expect(page.locator("#presented-prompt")).to_have_text("Dessert?", timeout=LIVE)

    # The pace, switched live.
    page.get_by_label("Every open question").check()
    expect(page.locator("#pace-note")).to_contain_text("list every open question", timeout=LIVE)
    assert host.event()["pace"] == "audience"
    shot(page, "event-console")

    # Ending asks first; a change of mind keeps it running.
    page.get_by_role("button", name="End event").click()
    end = page.locator("#end-dialog")
    expect(end).to_be_visible()
    assert_accessible(page, "the end dialog")
    end.get_by_role("button", name="Cancel").click()
    expect(end).to_be_hidden()
    assert host.event()["status"] == "live"
    page.get_by_role("button", name="End event").click()
    end.get_by_role("button", name="End event").click()
    expect(page.locator("#event-status")).to_have_text("Ended", timeout=LIVE)
    expect(page.locator("#join")).to_be_hidden()
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    assert host.event()["status"] == "ended"
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the whole event as CSV").click()
    csv = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Lunch?" in csv and "Which city?" in csv


def inside(box: dict[str, float] | None, viewport: dict[str, int]) -> bool:
    if box is None:
        return False
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"] + 0.5
        and box["y"] + box["height"] <= viewport["height"] + 0.5
    )


def assert_everything_fits(
    page: Any, viewport: dict[str, int], total: str, choices: list[str] = TEN
) -> None:
    """The whole question, every choice's whole text and its count with its full
    percentage, the total and the controls are inside the viewport, and nothing scrolls
    or is cut."""
    from playwright.sync_api import expect

    settled(page)
    results = host_results(page)
    assert len(results) == len(choices)
    for choice, shown in zip(choices, results, strict=True):
        assert shown["label"] == choice
        assert inside(shown["labelBox"], viewport), (choice, shown["labelBox"], viewport)
        assert inside(shown["valueBox"], viewport), (choice, shown["valueBox"], viewport)
        assert not shown["labelCut"] and not shown["valueCut"], (choice, shown)
        assert re.fullmatch(r"\d+ · \d+(\.\d)?%", shown["value"]), shown["value"]
    expect(page.locator("#total")).to_have_text(total)
    assert inside(page.locator("#total").bounding_box(), viewport)
    prompt = page.locator("#present-prompt")
    assert inside(prompt.bounding_box(), viewport)
    assert prompt.evaluate("(el) => el.scrollHeight <= el.clientHeight + 1"), "question cut"
    for name in ("Previous", "Next", "Close", "New round", "Lobby", "Full screen"):
        button = page.get_by_role("button", name=re.compile(f"^{name}"))
        assert inside(button.bounding_box(), viewport), name
    assert inside(page.locator("#join-code").bounding_box(), viewport)
    assert inside(page.locator("#join .qr-code").bounding_box(), viewport)
    scroll = page.evaluate(
        "() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]"
    )
    assert scroll[0] <= viewport["height"] and scroll[1] <= viewport["width"], scroll


def host_results(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('#results .bar')].map((bar) => {
            const label = bar.querySelector('.bar-label');
            const value = bar.querySelector('.bar-value');
            const box = (el) => { const r = el.getBoundingClientRect();
                return {x: r.x, y: r.y, width: r.width, height: r.height}; };
            const cut = (el) => el.scrollHeight > el.clientHeight + 1
                || el.scrollWidth > el.clientWidth + 1;
            return {label: label.textContent, value: value.textContent,
                    labelBox: box(label), valueBox: box(value),
                    labelCut: cut(label), valueCut: cut(value)};
        })"""
    )


def test_presenter_mode_fits_a_projector_with_ten_choices_and_answers_to_keys(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(
        server,
        question("Where shall we have lunch after the workshop on Friday?", *TEN),
        question("Coffee or tea?", "Coffee", "Tea"),
    )
    q1, q2 = host.created["questionIds"]
    host.open_and_present(q1)
    for n in range(7):
        host.answer(q1, str(n % 3 + 1))
    console = open_console(open_page, host)  # the host cookie for this browser
    answers = 7
    page = console.context.new_page()
    for viewport in PROJECTORS:
        page.set_viewport_size(viewport)
        goto(page, f"/e/{host.event_id}/present")
        expect(page.locator("#present-prompt")).to_have_text(
            "Where shall we have lunch after the workshop on Friday?"
        )
        expect(page.locator("header.site")).to_be_hidden()
        assert_everything_fits(page, viewport, f"{answers} ballots")
        if answers == 7:
            expect(bar_value(page, "1")).to_have_text("3 · 42.9%")
        shot(page, "event-present")
        assert_accessible(page, f"presenter mode at {viewport}")
        # Live: an answer reaches the projector without a reload.
        host.answer(q1, "10")
        answers += 1
        expect(page.locator("#total")).to_have_text(f"{answers} ballots", timeout=LIVE)
        if viewport is PROJECTORS[0]:
            continue
        # The keys, at the second size: → next (opening the draft), ← previous, c close
        # and reopen, r a new round, b the lobby.
        page.keyboard.press("ArrowRight")
        expect(page.locator("#present-prompt")).to_have_text("Coffee or tea?", timeout=LIVE)
        expect(page.locator("#present-state")).to_have_text("Open")
        assert host.event()["presenting"] == q2
        page.keyboard.press("ArrowLeft")
        expect(page.locator("#present-prompt")).to_contain_text("Where shall we", timeout=LIVE)
        page.keyboard.press("c")
        expect(page.locator("#present-state")).to_have_text("Closed", timeout=LIVE)
        expect(page.locator("#close")).to_contain_text("Reopen")
        assert host.event()["questions"][0]["status"] == "closed"
        page.keyboard.press("c")
        expect(page.locator("#present-state")).to_have_text("Open", timeout=LIVE)
        page.keyboard.press("r")
        expect(page.locator("#present-round")).to_have_text("Round 2", timeout=LIVE)
        expect(page.locator("#total")).to_have_text("No votes yet")
        assert host.event()["questions"][0]["round"] == 2
        assert_everything_fits(page, viewport, "No votes yet")
        page.keyboard.press("f")
        expect(page.locator("#fullscreen")).to_have_attribute("aria-pressed", "true")
        assert page.evaluate("() => document.fullscreenElement !== null")
        page.keyboard.press("f")  # and back
        expect(page.locator("#fullscreen")).to_have_attribute("aria-pressed", "false")
        page.keyboard.press("b")
        expect(page.locator("#lobby-screen")).to_be_visible(timeout=LIVE)
        assert host.event()["presenting"] is None
        assert_accessible(page, "presenter mode in the lobby")
        # From the lobby: nothing after the last question asked, and back to it.
        expect(page.get_by_role("button", name=re.compile("^Next"))).to_be_disabled()
        page.get_by_role("button", name=re.compile("^Previous")).click()  # buttons too
        expect(page.locator("#present-prompt")).to_have_text("Coffee or tea?", timeout=LIVE)
    # The console followed all of it from its stream.
    expect(console.locator("#presented-prompt")).to_have_text("Coffee or tea?", timeout=LIVE)


def test_the_summary_lists_every_question_and_round_live_with_its_files(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(
        server,
        question("Lunch?", "Ramen", "Curry"),
        question("Coffee or tea?", "Coffee", "Tea"),
        question("Never asked?", "Yes", "No"),
    )
    q1, q2, _ = host.created["questionIds"]
    host.open_and_present(q1)
    host.answer(q1, "1")
    host.answer(q1, "2")
    host.call("POST", f"/questions/{q1}/reset", {})
    host.answer(q1, "2")
    host.open_and_present(q2)
    host.answer(q2, "1")
    host.call("POST", f"/questions/{q2}/close", {})

    console = open_console(open_page, host)
    page = console.context.new_page()
    goto(page, f"/e/{host.event_id}/summary")
    expect(page.locator("#event")).to_have_attribute("data-loaded", "true")
    items = page.locator(".summary-question")
    expect(items).to_have_count(3)
    expect(items.locator("h2")).to_have_text(["1. Lunch?", "2. Coffee or tea?", "3. Never asked?"])
    first = items.nth(0)
    expect(first.locator(".summary-round h3")).to_have_count(2)
    expect(first.locator(".summary-round h3").nth(0)).to_contain_text("Round 1")
    expect(first.locator(".summary-round h3").nth(1)).to_contain_text("Round 2")
    expect(first.locator(".summary-round").nth(0).locator(".total")).to_have_text("2 ballots")
    expect(first.locator(".summary-round").nth(1).locator("tbody tr").nth(1)).to_have_text(
        re.compile(r"Curry\s*1\s*100%")
    )
    expect(items.nth(1).locator(".summary-round")).to_have_count(1)
    expect(items.nth(2)).to_contain_text("Not asked (draft).")
    shot(page, "event-summary")
    assert_accessible(page, "the summary")

    # While the event runs the summary follows it.
    host.call("POST", f"/questions/{q1}/reset", {})
    host.answer(q1, "1")
    expect(first.locator(".summary-round")).to_have_count(3, timeout=5000)

    # Files: a chart of one round, and the whole event.
    with page.expect_download() as download:
        page.get_by_role("link", name="Chart of question 1, round 2, as PNG").click()
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")
    with page.expect_download() as download:
        page.get_by_role("link", name="Chart of question 2, round 1, as SVG").click()
    assert b"<svg" in Path(download.value.path()).read_bytes()[:300]
    with page.expect_download() as download:
        page.get_by_role("link", name="Export the whole event as JSON").click()
    assert '"Never asked?"' in Path(download.value.path()).read_text()


def test_the_console_in_japanese_and_the_page_for_anyone_else(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, question("お昼は？", "ラーメン", "カレー"))
    page = open_console(open_page, host, viewport=PHONE, locale="ja-JP")  # a host's phone
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("button", name="次へ")).to_be_enabled()
    page.get_by_role("button", name="次へ").click()
    expect(page.locator("#presented-status")).to_have_text("受付中", timeout=LIVE)
    host.answer(host.created["questionIds"][0], "1")
    expect(page.locator("#total")).to_have_text("1票", timeout=LIVE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "event-console-ja")
    assert_accessible(page, "the console in Japanese")

    phone = open_page(PHONE)
    goto(phone, f"/e/{host.event_id}/host")
    expect(phone.get_by_role("heading", level=1)).to_have_text("This page is for the host")
    phone.get_by_role("link", name="Take part").click()
    phone.wait_for_url(re.compile(rf"/e/{host.event_id}$"))
    goto(phone, f"/e/{host.event_id}/present")
    expect(phone.locator("body")).to_have_attribute("data-page", "event-not-host")
    assert_accessible(phone, "the page for anyone but the host")


def test_presenter_mode_fits_the_longest_texts(open_page: Any, server: ServerProcess) -> None:
    """The limits: a 255-character question and ten choices of 100 characters each."""
    from playwright.sync_api import expect

    words = "Which of these rather long options, each written out in full, do you prefer? "
    prompt = (words * 4)[:255].rstrip()
    label = "A choice label that keeps going and going, with words " * 2
    choices = [(f"{i}. {label}")[:100].rstrip() for i in range(1, 11)]  # as the API trims
    host = Host(server, question(prompt, *choices))
    (q1,) = host.created["questionIds"]
    host.open_and_present(q1)
    for n in range(13):
        host.answer(q1, str(n % 10 + 1))
    page = open_console(open_page, host).context.new_page()
    for viewport in PROJECTORS:
        page.set_viewport_size(viewport)
        goto(page, f"/e/{host.event_id}/present")
        expect(page.locator("#total")).to_have_text("13 ballots")
        assert_everything_fits(page, viewport, "13 ballots", choices)
        shot(page, "event-present-longest")
