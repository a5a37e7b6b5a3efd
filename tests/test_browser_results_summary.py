"""The summary of an event mixing every typed question, in a real browser (Debian's
Chromium, Playwright, a real `tohyo serve`): each round's results drawn from the JSON
export as the host's screens draw them — the word cloud, the wall of cards with hidden and
pending ones flagged, the scale's means, the ranking and its runoff — with the round's
pictures; axe-core checks it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests import browser as pages
from tests.browser import goto, shot
from tests.conftest import ServerProcess
from tests.host_browser import LIVE, assert_accessible, open_console
from tests.results_browser import TypedHost

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def test_the_summary_draws_every_typed_round(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = TypedHost(
        server,
        {"type": "wordcloud", "prompt": "One word?"},
        {"type": "text", "prompt": "Comments?", "moderation": "approve"},
        {"type": "scale", "prompt": "Rate it", "points": 5},
        {"type": "ranking", "prompt": "Order", "choices": [{"text": "A"}, {"text": "B"}]},
    )
    cloud, text, scale, ranking = host.ids
    for question in host.ids:
        host.call("POST", f"/questions/{question}/open", {})
    for n, (entry, comment, value) in enumerate(
        [("Kyoto", "<b>Great</b>", 4), ("kyoto", "Too long", 5), ("Nara", "Fine", 3)]
    ):
        host.respond(cloud, {"entries": [entry]}, phone=9000 + n)
        host.respond(text, {"text": comment}, phone=9000 + n)
        host.respond(scale, {"value": value}, phone=9000 + n)
        host.respond(ranking, {"ranking": ["2", "1"] if n else ["1", "2"]}, phone=9000 + n)
    cards = host.question(text)["results"]["cards"]
    host.moderate(text, cards[0]["key"], "approve")
    host.moderate(text, cards[1]["key"], "hide")
    host.close(ranking)
    page = open_console(open_page, host)
    goto(page, f"/e/{host.event_id}/summary")
    expect(page.locator("#event")).to_have_attribute("data-loaded", "true", timeout=LIVE)
    items = page.locator(".summary-question")
    expect(items).to_have_count(4)
    laid = [w["text"] for w in host.question(cloud)["results"]["cloud"]]
    assert sorted(laid) == ["Kyoto", "Nara"]
    expect(items.nth(0).locator("svg.rv-cloud text.rv-word")).to_have_text(laid)
    expect(items.nth(0).locator(".rv-total")).to_have_text("3 answers · 2 different entries")
    expect(items.nth(1).locator(".rv-total")).to_have_text(
        "3 answers · 1 shown · 1 awaiting approval"
    )
    wall = items.nth(1).locator(".rv-card")
    expect(wall).to_have_count(3)
    expect(wall.nth(1).locator(".rv-flag")).to_have_text("Hidden")
    expect(wall.nth(2).locator(".rv-flag")).to_have_text("Awaiting approval")
    expect(items.nth(1).locator(".rv-card-text").last).to_have_text("<b>Great</b>")
    assert items.nth(1).locator("b").count() == 0
    assert items.nth(1).locator("button").count() == 0  # moderation is the console's
    expect(items.nth(2).locator(".rv-mean")).to_have_text("Mean 4.0")
    expect(items.nth(3).locator(".rv-item-label")).to_have_text(["B", "A"])
    expect(items.nth(3).locator(".rv-winner")).to_have_text("Winner by instant runoff: B")
    for item in range(4):
        expect(items.nth(item).get_by_role("link", name="PNG")).to_have_count(1)
    expect(items.nth(0).locator(".muted").first).to_contain_text("Word cloud")
    shot(page, "results-summary")
    assert_accessible(page, "the summary of typed questions")
