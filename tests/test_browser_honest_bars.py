"""Honest bars in a real browser (Debian's Chromium, Playwright, a real `tohyo serve`):
a full track is every ballot (with multiple choice, every voter), never the leading
choice, so 3 ballots of 10 fill 30 % of their track — on a poll's host view, its voter
page after voting and its presenter mode, and on an event's phone, console, presenter
mode and summary. Each bar's fill is what its label's percentage says, and with no
ballots every track is empty (issue 15 item 2).

Widths are measured as rendered (the fill's box against its track's), once the bars'
transitions have ended, and must be within a pixel of the share.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import LAPTOP, PHONE, goto, settled, vote, wait_ready
from tests.conftest import ServerProcess, voter
from tests.event_browser import answer, card
from tests.host_browser import LIVE, Host, open_console, question
from tests.results_browser import TypedHost

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

CHOICES = ["Ramen", "Curry", "Sushi"]
# 10 ballots: the leader has half of them, so under the old rule (scaled to the leader) it
# filled its track and Ramen's 3 filled 60 % of it.
TEN_BALLOTS = ["1"] * 3 + ["2"] * 5 + ["3"] * 2
TEN_SHARES = {"1": 0.3, "2": 0.5, "3": 0.2}
# Multiple choice, 4 voters: Ramen on every ballot, Curry on two, Sushi on one.
FOUR_VOTERS = [["1", "2"], ["1", "3"], ["1"], ["1", "2"]]
FOUR_SHARES = {"1": 1.0, "2": 0.5, "3": 0.25}
NONE = {"1": 0.0, "2": 0.0, "3": 0.0}

voters = iter(range(1_000_000, 2_000_000))  # invented voters' keys, unique in this module


def drawn_bars(scope: Any) -> list[dict[str, Any]]:
    """Each bar inside `scope` as rendered: its choice, fill and track widths (px), and
    the text of its value label."""
    found: list[dict[str, Any]] = scope.evaluate(
        """(root) => [...root.querySelectorAll('.bar')].map((bar) => ({
            id: bar.dataset.choiceId,
            fill: bar.querySelector('.bar-fill').getBoundingClientRect().width,
            track: bar.querySelector('.bar-track').getBoundingClientRect().width,
            value: bar.querySelector('.bar-value').textContent,
        }))"""
    )
    return found


def assert_honest(page: Any, scope: Any, shares: dict[str, float]) -> None:
    """Every bar in `scope` fills its share of the track, within a pixel, and its label's
    percentage says the same."""
    settled(page)
    bars = drawn_bars(scope)
    assert sorted(b["id"] for b in bars) == sorted(shares)
    for bar in bars:
        track, fill = bar["track"], bar["fill"]
        assert track > 50, bar  # a track one can see
        assert abs(fill - shares[bar["id"]] * track) <= 1, (bar, shares)
        shown = re.search(r"(\d+(?:\.\d)?)\s*%", bar["value"])
        assert shown, bar
        assert abs(fill - float(shown.group(1)) / 100 * track) <= 1, bar


# --- a poll ------------------------------------------------------------------------------


def poll(server: ServerProcess, vote_type: str) -> dict[str, Any]:
    created = httpx.post(
        server.url + "/api/vote",
        json={
            "question": "Lunch?",
            "voteType": vote_type,
            "choices": [{"text": c} for c in CHOICES],
        },
    )
    assert created.status_code == 201, created.text
    session: dict[str, Any] = created.json()
    return session


def poll_vote(server: ServerProcess, session: dict[str, Any], choice_ids: list[str]) -> None:
    response = httpx.post(
        f"{server.url}/api/vote/{session['sessionId']}",
        json={"choiceIds": choice_ids},
        headers=voter(next(voters)),
    )
    assert response.status_code == 201, response.text


def host_view(open_page: Any, server: ServerProcess, session: dict[str, Any]) -> Any:
    """The host link opened in a fresh laptop browser."""
    from playwright.sync_api import expect

    page = open_page(LAPTOP)
    page.goto(session["hostUrl"].replace(server.url, ""))
    expect(page.locator("body")).to_have_attribute("data-page", "host")
    wait_ready(page)
    return page


def present(page: Any) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Present").click()
    expect(page.locator("body")).to_have_class(re.compile("presenter"))


def test_a_poll_fills_each_bar_with_its_share_of_the_ballots(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    session = poll(server, "single")
    host = host_view(open_page, server, session)
    results = host.locator("#results")
    expect(results.locator(".total")).to_have_text("No votes yet")
    assert_honest(host, results, NONE)  # no ballots: empty tracks
    for choice in TEN_BALLOTS[:-1]:
        poll_vote(server, session, [choice])
    # The tenth ballot from a voter's page, which then shows the results.
    phone = open_page(PHONE)
    vote(phone, session["voteUrl"].replace(server.url, ""), ["Sushi"])
    on_phone = phone.locator("#results")
    expect(on_phone.locator(".total")).to_have_text("10 ballots", timeout=LIVE)
    assert_honest(phone, on_phone, TEN_SHARES)
    expect(results.locator(".total")).to_have_text("10 ballots", timeout=LIVE)
    expect(results.locator('.bar[data-choice-id="1"] .bar-value')).to_have_text("3 · 30%")
    assert_honest(host, results, TEN_SHARES)
    present(host)
    assert_honest(host, results, TEN_SHARES)


def test_a_multiple_choice_poll_fills_each_bar_with_its_share_of_the_voters(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    session = poll(server, "multiple")
    for ballot in FOUR_VOTERS:
        poll_vote(server, session, ballot)
    host = host_view(open_page, server, session)
    results = host.locator("#results")
    expect(results.locator(".total")).to_have_text("4 ballots")
    # On every ballot: a full track. The fills sum past one track, as voters chose several.
    expect(results.locator('.bar[data-choice-id="1"] .bar-value')).to_have_text("4 · 100%")
    assert_honest(host, results, FOUR_SHARES)
    present(host)
    assert_honest(host, results, FOUR_SHARES)


def test_a_poll_with_no_ballots_in_presenter_mode_has_empty_tracks(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = host_view(open_page, server, poll(server, "multiple"))
    present(host)
    expect(host.locator("#results .total")).to_have_text("No votes yet")
    assert_honest(host, host.locator("#results"), NONE)


# --- an event ----------------------------------------------------------------------------


def event_screens(open_page: Any, host: Host) -> tuple[Any, Any, Any]:
    """The console, and presenter mode and the summary in the console's browser (its host
    cookie)."""
    console = open_console(open_page, host)
    presenter = console.context.new_page()
    goto(presenter, f"/e/{host.event_id}/present")
    summary = console.context.new_page()
    goto(summary, f"/e/{host.event_id}/summary")
    return console, presenter, summary


def assert_every_host_screen(
    screens: tuple[Any, Any, Any], total: str, shares: dict[str, float]
) -> None:
    """The console's and presenter mode's bars are honest; the summary gives a choice
    question's counts as a table (no bars), whose percentages are the same shares."""
    from playwright.sync_api import expect

    console, presenter, summary = screens
    for page in (console, presenter):
        scope = page.locator("#results")
        expect(scope.locator(".total")).to_have_text(total, timeout=LIVE)
        assert_honest(page, scope, shares)
    rounds = summary.locator(".summary-round")
    expect(rounds).to_have_count(1)
    expect(rounds.locator(".total")).to_have_text(total, timeout=LIVE)
    assert rounds.locator(".bar").count() == 0
    expect(rounds.locator("tbody td:last-child")).to_have_text(
        [f"{100 * shares[c]:g}%" for c in sorted(shares)]
    )


def test_an_event_fills_each_bar_with_its_share_of_the_ballots_on_every_screen(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, question("Lunch?", *CHOICES))
    (q1,) = host.created["questionIds"]
    host.open_and_present(q1)
    screens = event_screens(open_page, host)
    assert_every_host_screen(screens, "No votes yet", NONE)
    for choice in TEN_BALLOTS[:-1]:
        host.answer(q1, choice)
    phone = open_page(PHONE)
    goto(phone, f"/e/{host.event_id}")
    lunch = answer(phone, "Lunch?", "Sushi")
    expect(lunch.locator(".total")).to_have_text("10 ballots", timeout=LIVE)
    expect(lunch.locator('.bar[data-choice-id="1"] .bar-value')).to_have_text("3 votes, 30%")
    assert_honest(phone, lunch, TEN_SHARES)
    assert_every_host_screen(screens, "10 ballots", TEN_SHARES)


def test_an_event_multiple_choice_fills_each_bar_with_its_share_of_the_voters(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(
        server,
        question("Toppings?", *CHOICES, type_="multiple") | {"resultsVisibility": "always"},
    )
    (q1,) = host.created["questionIds"]
    host.open_and_present(q1)
    phone = open_page(PHONE)
    goto(phone, f"/e/{host.event_id}")
    toppings = card(phone, "Toppings?")
    expect(toppings.locator(".total")).to_have_text("No votes yet", timeout=LIVE)
    assert_honest(phone, toppings, NONE)  # "always": bars before any ballot, empty
    for ballot in FOUR_VOTERS:
        host.answer(q1, *ballot)
    expect(toppings.locator(".total")).to_have_text("4 ballots", timeout=LIVE)
    assert_honest(phone, toppings, FOUR_SHARES)
    assert_every_host_screen(event_screens(open_page, host), "4 ballots", FOUR_SHARES)


# --- a rating scale and a ranking ---------------------------------------------------------

SCALE = {
    "type": "scale",
    "prompt": "How was it?",
    "points": 5,
    "statements": [{"text": "Clear"}, {"text": "Useful"}],
    "resultsVisibility": "always",
}
# 10 answers. Clear: 3 say 1, 5 say 2, 2 say 5; Useful: 6 say 4, 4 say 5. A full column is
# every answer to its statement: Clear's 2 is half its column (under the old rule, scaled
# to the tallest share of all statements, Useful's 0.6, it was 83 %).
SCALE_ANSWERS = [[1, 4]] * 3 + [[2, 4]] * 3 + [[2, 5]] * 2 + [[5, 5]] * 2
SCALE_SHARES = [[0.3, 0.5, 0, 0, 0.2], [0, 0, 0, 0.6, 0.4]]
RANKING = {
    "type": "ranking",
    "prompt": "Order the snacks",
    "choices": [{"text": t} for t in ("Mochi", "Dango", "Senbei", "Yokan")],
    "resultsVisibility": "always",
}
# 3 ballots of 4 items: points 11, 9, 6, 4 of the 12 (4 × 3 ballots: every ballot's first
# place) a full track stands for.
RANKING_BALLOTS = [["1", "2", "3", "4"], ["1", "3", "2", "4"], ["2", "1", "4", "3"]]
RANKING_SHARES = {"1": 11 / 12, "2": 9 / 12, "3": 6 / 12, "4": 4 / 12}


def assert_scale_honest(page: Any, scope: Any, shares: list[list[float]]) -> None:
    """Each statement's columns: a point's height is its share of that statement's
    answers, within a pixel."""
    settled(page)
    drawn: list[list[dict[str, float]]] = scope.evaluate(
        """(root) => [...root.querySelectorAll('.rv-statement')].map((row) =>
            [...row.querySelectorAll('.rv-col')].map((col) => ({
                fill: col.querySelector('.rv-col-fill').getBoundingClientRect().height,
                track: col.querySelector('.rv-col-track').getBoundingClientRect().height,
            })))"""
    )
    assert len(drawn) == len(shares)
    for columns, expected in zip(drawn, shares, strict=True):
        assert len(columns) == len(expected)
        for column, share in zip(columns, expected, strict=True):
            assert column["track"] > 20, columns
            assert abs(column["fill"] - share * column["track"]) <= 1, (columns, expected)


def assert_ranking_honest(page: Any, scope: Any, shares: dict[str, float]) -> None:
    """Each item's fill is its points over n points for every ballot, within a pixel."""
    settled(page)
    drawn: list[dict[str, Any]] = scope.evaluate(
        """(root) => [...root.querySelectorAll('.rv-item')].map((item) => ({
            id: item.dataset.choiceId,
            fill: item.querySelector('.bar-fill').getBoundingClientRect().width,
            track: item.querySelector('.bar-track').getBoundingClientRect().width,
        }))"""
    )
    assert sorted(d["id"] for d in drawn) == sorted(shares)
    for item in drawn:
        assert item["track"] > 50, item
        assert abs(item["fill"] - shares[item["id"]] * item["track"]) <= 1, (item, shares)


def test_a_scale_and_a_ranking_fill_by_the_same_rule_on_every_screen(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, SCALE, RANKING)
    scale, ranking = host.ids
    host.open_and_present(scale)
    phone = open_page(PHONE)
    goto(phone, f"/e/{host.event_id}")
    on_phone = card(phone, "How was it?")
    expect(on_phone.locator(".rv-total")).to_have_text("No answers yet", timeout=LIVE)
    assert_scale_honest(phone, on_phone, [[0] * 5] * 2)  # no answers: empty columns
    for values in SCALE_ANSWERS:
        assert host.respond(scale, {"values": values}) == 201
    host.call("POST", f"/questions/{ranking}/open", {})
    for order in RANKING_BALLOTS:
        assert host.respond(ranking, {"ranking": order}) == 201
    console, presenter, summary = event_screens(open_page, host)
    screens = [
        (phone, on_phone),
        (console, console.locator("#results")),
        (presenter, presenter.locator("#results")),
        (summary, summary.locator(".summary-question").nth(0)),
    ]
    for page, scope in screens:
        expect(scope.locator(".rv-total")).to_have_text("10 answers", timeout=LIVE)
        assert_scale_honest(page, scope, SCALE_SHARES)

    host.call("POST", "/present", {"questionId": ranking})
    screens[0] = (phone, card(phone, "Order the snacks"))
    screens[3] = (summary, summary.locator(".summary-question").nth(1))
    for page, scope in screens:
        expect(scope.locator(".rv-total")).to_have_text("3 answers", timeout=LIVE)
        assert_ranking_honest(page, scope, RANKING_SHARES)
