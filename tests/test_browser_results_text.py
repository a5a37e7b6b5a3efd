"""Open text's live results in a real browser (Debian's Chromium, Playwright, a real
`tohyo serve`): the console's wall of cards, newest first, with the count, line breaks
kept and hostile text as text, a new card added live without redrawing the others;
presenter mode shows the newest cards that fit a 1280×720 and a 1024×768 projector, whole;
phones show the wall at 320 and 375 px with no sideways scroll, in English and Japanese;
axe-core checks each.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import card, following
from tests.host_browser import LIVE, PROJECTORS, assert_accessible, inside, open_console
from tests.layout_browser import no_sideways_scroll
from tests.results_browser import TypedHost, assert_fits

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'
TEXT = {"type": "text", "prompt": "What should we change?", "resultsVisibility": "always"}


def answer_text(n: int) -> str:
    """Answers of every length, some on several lines."""
    text = f"Answer {n}: " + "we could try another way of doing this " * (n % 6)
    return (text.strip() + ("\nand a second line" if n % 4 == 0 else ""))[:500]


def test_the_console_shows_a_wall_of_cards_newest_first_live(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, TEXT)
    (q,) = host.ids
    host.open_and_present(q)
    for text in ("First, on one line", "Second\nover two lines", HOSTILE):
        assert host.respond(q, {"text": text}) == 201
    page = open_console(open_page, host)
    reloaded = following(page)
    results = page.locator("#results")
    expect(results).to_have_attribute("data-type", "text")
    cards = results.locator(".rv-card")
    expect(cards.locator(".rv-card-text")).to_have_text(
        [HOSTILE, "Second over two lines", "First, on one line"]
    )
    assert results.locator("script, b").count() == 0
    # The line break is kept: the card shows two lines.
    assert cards.nth(1).locator(".rv-card-text").inner_text() == "Second\nover two lines"
    expect(results.locator(".rv-total")).to_have_text("3 answers")
    keys = [c["key"] for c in host.question(q)["results"]["cards"]]
    expect(cards.first).to_have_attribute("data-key", keys[0])
    expect(cards.first.locator("time")).to_have_attribute(
        "datetime", host.question(q)["results"]["cards"][0]["at"]
    )
    assert_accessible(page, "the console with a wall of cards")
    page.evaluate(
        "() => document.querySelectorAll('#results .rv-card').forEach((c) => {"
        " c.tohyoKept = c.dataset.key; })"
    )
    assert host.respond(q, {"text": "Newest"}) == 201
    expect(cards.first.locator(".rv-card-text")).to_have_text("Newest", timeout=LIVE)
    expect(results.locator(".rv-total")).to_have_text("4 answers")
    kept = page.evaluate(
        "() => [...document.querySelectorAll('#results .rv-card')]"
        ".filter((c) => c.tohyoKept === c.dataset.key).length"
    )
    assert kept == 3  # the others were not drawn again
    reloaded()


def test_the_console_in_japanese(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, {**TEXT, "prompt": "改善したい点は？"})
    (q,) = host.ids
    host.open_and_present(q)
    assert host.respond(q, {"text": "休憩をもう少し長く。\n飲み物もほしいです。"}) == 201
    page = open_console(open_page, host, locale="ja-JP")
    results = page.locator("#results")
    expect(results.locator(".rv-total")).to_have_text("回答1件")
    expect(results.locator(".rv-card-text")).to_have_text(
        "休憩をもう少し長く。 飲み物もほしいです。"
    )
    expect(
        results.get_by_role(
            "button", name="「休憩をもう少し長く。 飲み物もほしいです。」を非表示にする"
        )
    ).to_be_visible()
    assert_accessible(page, "the console's wall in Japanese")


def test_presenter_mode_shows_the_newest_cards_that_fit(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, TEXT)
    (q,) = host.ids
    host.open_and_present(q)
    for n in range(40):
        assert host.respond(q, {"text": answer_text(n)}) == 201
    assert host.respond(q, {"text": "x" * 500}) == 201  # the longest, in one word
    newest = [c["text"] for c in host.question(q)["results"]["cards"]]
    page = open_console(open_page, host).context.new_page()
    for viewport in PROJECTORS:
        page.set_viewport_size(viewport)
        goto(page, f"/e/{host.event_id}/present")
        results = page.locator("#results")
        expect(results.locator(".rv-total")).to_have_text("41 answers")
        shown = results.locator(".rv-card:not([hidden])")
        expect(shown.first).to_be_visible()
        count = shown.count()
        assert 2 <= count < 41
        # The newest, in order, each whole inside the screen; the rest wait.
        texts = shown.locator(".rv-card-text").evaluate_all(
            "(els) => els.map((e) => e.textContent)"
        )
        assert texts == newest[:count]
        for i in range(count):
            assert inside(shown.nth(i).bounding_box(), viewport), i
        expect(results.locator(".rv-note")).to_have_text(f"The newest {count} of 41 shown")
        assert_fits(page, viewport, "#results .rv-total", "#results .rv-note", "#present-prompt")
        assert results.locator(".rv-mod-button").count() == 0  # moderation is the console's
        shot(page, "results-text-present")
        assert_accessible(page, f"presenter mode with a wall of cards at {viewport}")
    assert host.respond(q, {"text": "Just in"}) == 201
    expect(page.locator("#results .rv-card-text").first).to_have_text("Just in", timeout=LIVE)


@pytest.mark.parametrize(("width", "locale"), [(320, "en-US"), (375, "ja-JP")])
def test_phones_show_the_wall_without_sideways_scroll(
    open_page: Any, server: ServerProcess, width: int, locale: str
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, TEXT)
    (q,) = host.ids
    host.open_and_present(q)
    for n in range(6):
        assert host.respond(q, {"text": answer_text(n)}) == 201
    assert host.respond(q, {"text": "y" * 500}) == 201
    assert host.respond(q, {"text": HOSTILE}) == 201
    phone = open_page({"width": width, "height": 740}, locale=locale)
    goto(phone, f"/e/{host.event_id}")
    wall = card(phone, TEXT["prompt"])
    expect(wall.locator(".rv-card")).to_have_count(8)
    expect(wall.locator(".rv-card-text").first).to_have_text(HOSTILE)
    expect(wall.locator(".rv-total")).to_have_text("回答8件" if locale == "ja-JP" else "8 answers")
    assert wall.locator(".rv-mod-button").count() == 0
    no_sideways_scroll(phone, "the wall on a phone")
    shot(phone, f"results-text-phone-{locale}")
    assert_accessible(phone, f"a phone with a wall of cards at {width} px")


def test_a_long_card_on_the_console_pushes_no_buttons_below_the_fold(
    open_page: Any, server: ServerProcess
) -> None:
    """Each card is as tall as its own text, and a long one starts folded: the Hide buttons
    of all five cards are in sight in the wall without scrolling it."""
    from playwright.sync_api import expect

    host = TypedHost(server, TEXT)
    (q,) = host.ids
    host.open_and_present(q)
    long_text = ("A very long thought about the venue and the schedule. " * 10)[:500].strip()
    for text in (long_text, "Short one", "Short two", "Short three", "Short four"):
        assert host.respond(q, {"text": text}) == 201
    page = open_console(open_page, host)
    results = page.locator("#results")
    cards = results.locator(".rv-card")
    expect(cards).to_have_count(5)
    wall = results.locator(".rv-cards").bounding_box()
    assert wall is not None
    for i in range(5):
        box = cards.nth(i).locator('button[data-action="hide"]').bounding_box()
        assert box is not None and box["y"] + box["height"] <= wall["y"] + wall["height"], i
    heights = [cards.nth(i).bounding_box()["height"] for i in range(5)]
    assert max(heights[:4]) < heights[4] / 1.5  # the short ones not stretched to its height
    assert max(heights) < 300  # the long one folded
    longest = cards.last  # the first sent: the oldest, last
    more = longest.get_by_role("button", name="Show more")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(cards.first.get_by_role("button", name="Show more")).to_have_count(0)
    folded = longest.bounding_box()["height"]
    more.click()
    less = longest.get_by_role("button", name="Show less")
    expect(less).to_have_attribute("aria-expanded", "true")
    assert longest.bounding_box()["height"] > folded
    expect(less).to_be_focused()
    assert_accessible(page, "the console's wall with a long card unfolded")


def test_one_count_for_a_hidden_card_the_room_is_told_of_the_cards_it_sees(
    open_page: Any, server: ServerProcess
) -> None:
    """Five answers, one hidden: presenter mode and the phones (and the pictures) say 4; the
    console and the summary, which draw the hidden card too, say both."""
    from playwright.sync_api import expect

    host = TypedHost(server, TEXT)
    (q,) = host.ids
    host.open_and_present(q)
    for n in range(1, 6):
        assert host.respond(q, {"text": f"Card {n}"}, phone=9000 + n) == 201
    host.moderate(q, host.question(q)["results"]["cards"][0]["key"], "hide")
    console = open_console(open_page, host)
    expect(console.locator("#results .rv-total")).to_have_text("5 answers · 4 shown")
    present = console.context.new_page()
    goto(present, f"/e/{host.event_id}/present")
    expect(present.locator(".rv-total")).to_have_text("4 answers", timeout=LIVE)
    expect(present.locator(".rv-card")).to_have_count(4)
    phone = open_page(PHONE)
    goto(phone, f"/e/{host.event_id}")
    wall = card(phone, TEXT["prompt"])
    expect(wall.locator(".rv-total")).to_have_text("4 answers", timeout=LIVE)
    summary = console.context.new_page()
    goto(summary, f"/e/{host.event_id}/summary")
    expect(summary.locator(".rv-total")).to_have_text("5 answers · 4 shown", timeout=LIVE)
