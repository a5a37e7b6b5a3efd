"""Rating scales' and rankings' live results in a real browser (Debian's Chromium,
Playwright, a real `tohyo serve`): the console shows each statement's distribution (a full
column is all of its answers, not the tallest share) and mean, each item's mean score on a
track whose end is n points (not the leader's score) and, once closed, the runoff's winner
and rounds; presenter mode fits the largest of both on a 1280×720 and a 1024×768 projector;
phones show them at 320 and 375 px with no sideways scroll, in English and Japanese; hostile
text stays text; axe-core checks each.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.browser import goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import card
from tests.host_browser import LIVE, PROJECTORS, assert_accessible, open_console
from tests.layout_browser import no_sideways_scroll
from tests.results_browser import TypedHost, assert_fits

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

HOSTILE = '<b>bold</b> & "quoted"'
SCALE = {
    "type": "scale",
    "prompt": "How was the workshop?",
    "points": 5,
    "labels": {"low": "Not at all", "high": "Completely"},
    "statements": [{"text": "The talk was clear"}, {"text": HOSTILE}],
}
RANKING = {
    "type": "ranking",
    "prompt": "Order the snacks",
    "choices": [{"text": t} for t in ("Mochi", "Dango", HOSTILE, "Senbei")],
}


def ratio(locator: Any) -> float:
    """A fill's size along its track: height for a scale's column, width for a bar."""
    value: float = locator.evaluate(
        """(fill) => { const track = fill.parentElement.getBoundingClientRect();
            const r = fill.getBoundingClientRect();
            return fill.classList.contains('rv-col-fill') ? r.height / track.height
                                                         : r.width / track.width; }"""
    )
    return value


def test_the_console_shows_a_scale_and_a_ranking_live(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, SCALE, RANKING)
    scale, ranking = host.ids
    host.open_and_present(scale)
    for values in ([1, 5], [2, 4], [2, 5], [5, 5]):
        assert host.respond(scale, {"values": values}) == 201
    page = open_console(open_page, host)
    results = page.locator("#results")
    expect(results).to_have_attribute("data-type", "scale")
    expect(results.locator(".rv-scale-ends")).to_have_text("1 = Not at all5 = Completely")
    rows = results.locator(".rv-statement")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator(".rv-statement-name")).to_have_text("The talk was clear")
    expect(rows.nth(1).locator(".rv-statement-name")).to_have_text(HOSTILE)  # as text
    assert results.locator("b").count() == 0
    expect(rows.nth(0).locator(".rv-col-count")).to_have_text(["1", "2", "0", "0", "1"])
    expect(rows.nth(0).locator(".rv-mean")).to_have_text("Mean 2.5")  # 10 / 4
    expect(rows.nth(1).locator(".rv-mean")).to_have_text("Mean 4.8")  # 19 / 4, halves up
    expect(rows.nth(0).locator(".rv-spoken")).to_have_text(
        "Mean 2.5. 1 = Not at all: 1 answer; 2: 2 answers; 3: 0 answers; 4: 0 answers;"
        " 5 = Completely: 1 answer"
    )
    expect(results.locator(".rv-total")).to_have_text("4 answers")
    pages.settled(page)
    # A full column is every answer to its statement, never the tallest share: 3 of 4
    # say 5 to the second, 2 of 4 say 2 to the first.
    assert ratio(rows.nth(1).locator(".rv-col-fill").nth(4)) == pytest.approx(3 / 4, abs=0.02)
    assert ratio(rows.nth(0).locator(".rv-col-fill").nth(1)) == pytest.approx(2 / 4, abs=0.02)
    assert_accessible(page, "the console with a rating scale")
    assert host.respond(scale, {"values": [3, 3]}) == 201
    expect(rows.nth(0).locator(".rv-mean")).to_have_text("Mean 2.6", timeout=LIVE)
    expect(results.locator(".rv-total")).to_have_text("5 answers")

    # A ranking: items by points, each mean score on a track of n = 4 points.
    host.open_and_present(ranking)
    expect(results).to_have_attribute("data-type", "ranking", timeout=LIVE)
    items = results.locator(".rv-item")
    expect(items.locator(".rv-item-value")).to_have_text(["0.00 · 0 points"] * 4)
    expect(results.locator(".rv-total")).to_have_text("No answers yet")
    for order in (["1", "2", "3", "4"], ["1", "3", "2", "4"], ["2", "1", "4", "3"]):
        assert host.respond(ranking, {"ranking": order}) == 201
    expect(items.locator(".rv-item-label")).to_have_text(
        ["Mochi", "Dango", HOSTILE, "Senbei"], timeout=LIVE
    )
    expect(items.locator(".rv-item-value")).to_have_text(
        ["3.67 · 11 points", "3.00 · 9 points", "2.00 · 6 points", "1.33 · 4 points"]
    )
    expect(items.locator(".rv-place")).to_have_text(["1.", "2.", "3.", "4."])
    pages.settled(page)
    # Never relative to the leader: 3.67 of 4 points is not a full bar.
    assert ratio(items.nth(0).locator(".bar-fill")) == pytest.approx(3.67 / 4, abs=0.02)
    assert ratio(items.nth(3).locator(".bar-fill")) == pytest.approx(1.33 / 4, abs=0.02)
    expect(results.locator(".rv-runoff")).to_be_hidden()  # only once closed
    # Live: the order follows the points (a tie shares its place).
    assert host.respond(ranking, {"ranking": ["2", "4", "1", "3"]}) == 201
    expect(items.locator(".rv-item-label")).to_have_text(
        ["Mochi", "Dango", HOSTILE, "Senbei"], timeout=LIVE
    )
    expect(items.locator(".rv-item-value").nth(1)).to_have_text("3.25 · 13 points")
    expect(items.locator(".rv-place")).to_have_text(["1.", "1.", "3.", "3."])
    assert host.respond(ranking, {"ranking": ["3", "1", "2", "4"]}) == 201
    host.close(ranking)
    runoff = results.locator(".rv-runoff")
    expect(runoff).to_be_visible(timeout=LIVE)
    # First choices 2, 2, 1, 0: Senbei, then the hostile item go; its ballot goes to Mochi.
    assert host.question(ranking)["results"]["runoff"]["winner"] == "1"
    expect(runoff.locator(".rv-winner")).to_have_text("Winner by instant runoff: Mochi")
    table = runoff.locator("table.rv-rounds")
    expect(table.locator("tbody tr")).to_have_count(5)  # four items and the exhausted
    expect(table.locator("tbody th")).to_have_text(
        ["Mochi", "Dango", HOSTILE, "Senbei", "Exhausted ballots"]
    )
    rounds = host.question(ranking)["results"]["runoff"]["rounds"]
    expect(table.locator("thead th")).to_have_count(len(rounds) + 1)
    expect(table.locator("tbody tr").first.locator("td").last).to_have_text(
        str(rounds[-1]["counts"]["1"])
    )
    shot(page, "results-ranking-console")
    assert_accessible(page, "the console with a closed ranking")


def longest() -> tuple[dict[str, Any], dict[str, Any]]:
    """The limits: a scale of 11 points and ten statements, ten ranking items, of 100
    characters each."""
    words = "A statement that keeps going with more and more words to the very limit "
    texts = [(f"{i}. {words * 2}")[:100].rstrip() for i in range(1, 11)]
    scale = {
        "type": "scale",
        "prompt": "Rate each of these statements, please",
        "points": 11,
        "labels": {"low": "Not at all, never, in no way", "high": "Completely, always, fully"},
        "statements": [{"text": t} for t in texts],
    }
    ranking = {
        "type": "ranking",
        "prompt": "Put the ten in your order",
        "choices": [{"text": t} for t in texts],
    }
    return scale, ranking


def test_presenter_mode_fits_the_largest_scale_and_ranking(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    scale_spec, ranking_spec = longest()
    host = TypedHost(server, scale_spec, ranking_spec)
    scale, ranking = host.ids
    host.open_and_present(scale)
    for n in range(23):
        assert host.respond(scale, {"values": [(n * 7 + s) % 11 + 1 for s in range(10)]}) == 201
    host.call("POST", f"/questions/{ranking}/open", {})
    ids = [str(i) for i in range(1, 11)]
    for n in range(17):  # first places spread, so the runoff takes several rounds
        order = ids[n % 10 :] + ids[: n % 10]
        assert host.respond(ranking, {"ranking": order if n % 3 else order[::-1]}) == 201
    host.close(ranking)
    rounds = len(host.question(ranking)["results"]["runoff"]["rounds"])
    assert rounds > 2
    page = open_console(open_page, host).context.new_page()
    for question, kind in ((scale, "scale"), (ranking, "ranking")):
        host.call("POST", "/present", {"questionId": question})
        for viewport in PROJECTORS:
            page.set_viewport_size(viewport)
            goto(page, f"/e/{host.event_id}/present")
            expect(page.locator("#results")).to_have_attribute("data-type", kind)
            pages.settled(page)
            parts = (
                (".rv-statement", ".rv-mean", ".rv-col-point", ".rv-col-count", ".rv-scale-ends")
                if kind == "scale"
                else (".rv-item", ".rv-item-value", ".rv-winner", ".rv-rounds")
            )
            assert_fits(
                page,
                viewport,
                *(f"#results {part}" for part in parts),
                "#results .rv-total",
                "#present-prompt",
                ".present-controls .button",
            )
            uncut = page.locator(
                "#results .rv-mean, #results .rv-item-value, #results .rv-total"
            ).evaluate_all(
                "(els) => els.every((e) => e.scrollWidth <= e.clientWidth + 1"
                " && e.scrollHeight <= e.clientHeight + 1)"
            )
            assert uncut, f"a mean, score or total is cut at {viewport}"
            shot(page, f"results-{kind}-present")
            assert_accessible(page, f"presenter mode with the largest {kind} at {viewport}")
    expect(page.locator("#results .rv-rounds thead th")).to_have_count(rounds + 1)


@pytest.mark.parametrize(("width", "locale"), [(320, "en-US"), (375, "ja-JP")])
def test_phones_show_scale_and_ranking_results_without_sideways_scroll(
    open_page: Any, server: ServerProcess, width: int, locale: str
) -> None:
    from playwright.sync_api import expect

    scale_spec, ranking_spec = longest()
    always = {"resultsVisibility": "always"}
    host = TypedHost(server, {**scale_spec, **always}, {**ranking_spec, **always})
    scale, ranking = host.ids
    for question in host.ids:
        host.call("POST", f"/questions/{question}/open", {})
    host.call("PATCH", "", {"pace": "audience"})
    for n in range(9):
        assert host.respond(scale, {"values": [(n + s) % 11 + 1 for s in range(10)]}) == 201
        ids = [str((n + i) % 10 + 1) for i in range(10)]
        assert host.respond(ranking, {"ranking": ids}) == 201
    host.close(ranking)
    host.call("POST", "/present", {"questionId": ranking})  # closed, yet on the phones
    phone = open_page({"width": width, "height": 740}, locale=locale)
    goto(phone, f"/e/{host.event_id}")
    japanese = locale.startswith("ja")
    rating = card(phone, scale_spec["prompt"])
    expect(rating.locator(".rv-statement")).to_have_count(10)
    mean = "平均" if japanese else "Mean"
    expect(rating.locator(".rv-mean").first).to_contain_text(mean)
    expect(rating.locator(".rv-total")).to_have_text("回答9件" if japanese else "9 answers")
    order = card(phone, ranking_spec["prompt"])
    expect(order.locator(".rv-item")).to_have_count(10)
    winner = "即時決選投票の勝者：" if japanese else "Winner by instant runoff: "
    expect(order.locator(".rv-winner")).to_contain_text(winner)
    exhausted = "使い切られた票" if japanese else "Exhausted ballots"
    expect(order.locator(".rv-exhausted th")).to_have_text(exhausted)
    pages.settled(phone)
    no_sideways_scroll(phone, "the runoff on a phone")
    # The runoff's table may be wider than a phone: it scrolls in its own box, and says so.
    wrap = order.locator(".rv-table-wrap")
    assert wrap.evaluate("(el) => el.getBoundingClientRect().right") <= width + 0.5
    assert wrap.evaluate("(el) => el.scrollWidth > el.clientWidth + 1")  # ten items' rounds
    hint = "表は横にスクロールできます" if japanese else "The table scrolls sideways"
    expect(order.locator(".rv-scroll-hint")).to_be_visible()
    expect(order.locator(".rv-scroll-hint")).to_contain_text(hint)
    shot(phone, f"results-scale-ranking-phone-{locale}")
    assert_accessible(phone, f"a phone with scale and ranking results at {width} px")


def test_presenter_mode_says_why_the_runoff_winner_is_not_the_points_leader(
    open_page: Any, server: ServerProcess
) -> None:
    """Hiring leads on points, Security wins the runoff: one line says the two count
    differently; the runoff table is readable across a room, its names whole, and no name
    is broken inside a word."""
    from playwright.sync_api import expect

    names = ("Hiring", "Security", "Performance")
    spec = {"type": "ranking", "prompt": "What first?", "choices": [{"text": n} for n in names]}
    host = TypedHost(server, spec)
    (q,) = host.ids
    host.open_and_present(q)
    # Borda 11, 10, 9; first choices 1, 2, 2: Hiring goes first, its ballot to Security.
    for ballot in (["2", "1", "3"],) * 2 + (["3", "1", "2"],) * 2 + (["1", "2", "3"],):
        assert host.respond(q, {"ranking": list(ballot)}) == 201
    host.close(q)
    assert host.question(q)["results"]["runoff"]["winner"] == "2"
    page = open_console(open_page, host).context.new_page()
    for viewport in PROJECTORS:
        page.set_viewport_size(viewport)
        goto(page, f"/e/{host.event_id}/present")
        results = page.locator("#results")
        expect(results.locator(".rv-item-label").first).to_have_text("Hiring", timeout=LIVE)
        expect(results.locator(".rv-winner")).to_have_text("Winner by instant runoff: Security")
        expect(results.locator(".rv-runoff-why")).to_have_text(
            "Points (Borda) add up every place on every ballot; the instant runoff counts"
            " first choices, dropping the last item each round. So the two can differ."
        )
        pages.settled(page)
        table = results.locator(".rv-rounds")
        size = table.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 18, f"the runoff table's text is {size} px at {viewport}"
        names_shown = table.locator("tbody th .rv-row-name")
        expect(names_shown).to_have_text([*("Hiring", "Security", "Performance")])
        for th in table.locator("th").all():  # whole: nothing cut off
            assert th.evaluate("(el) => el.scrollWidth <= el.clientWidth + 1"), th.inner_text()
        one_line = page.evaluate(
            """() => [...document.querySelectorAll('#results .rv-item-label,'
                + ' #results .rv-rounds .rv-row-name')].every((el) => {
                  const range = document.createRange();
                  range.selectNodeContents(el);
                  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
                  return tops.size === 1;
                })"""
        )
        assert one_line, f"a one-word name is broken across lines at {viewport}"
        assert_fits(page, viewport, "#results .rv-runoff-why", "#results .rv-rounds")
        assert_accessible(page, f"presenter mode with a runoff that differs at {viewport}")
