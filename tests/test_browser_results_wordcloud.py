"""A word cloud's live results in a real browser (Debian's Chromium, Playwright, a real
`tohyo serve`): the host's console draws exactly the server's layout (each word stretched
to its box at its size, in its key's color), keeps each word's element across updates and
writes only the words an answer changed; hostile text stays text; presenter mode fits a
cloud of 60 words on a 1280×720 and a 1024×768 projector; Japanese; axe-core checks.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests import browser as pages
from tests.browser import goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import following
from tests.host_browser import LIVE, PROJECTORS, assert_accessible, open_console
from tests.results_browser import (
    TypedHost,
    assert_drawn_as_laid_out,
    assert_fits,
    assert_inside_boxes,
    drawn_words,
)

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page

HOSTILE = "<script>alert(1)</script>"
CLOUD = {"type": "wordcloud", "prompt": "One word for Kyoto?", "maxEntries": 3}

# Which words a page's cloud wrote to since `watch_cloud` (attributes, text, added or
# removed): keys, by the <text> touched.
WATCH = """() => {
    window.touchedWords = new Set();
    const svg = document.querySelector('#results svg.rv-cloud');
    new MutationObserver((records) => {
        for (const record of records) {
            const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
            const word = node.closest('text.rv-word');
            if (word) touchedWords.add(word.dataset.key);
            for (const n of [...record.addedNodes, ...record.removedNodes]) {
                if (n.dataset && n.dataset.key) touchedWords.add(n.dataset.key);
            }
        }
    }).observe(svg, {subtree: true, attributes: true, childList: true, characterData: true});
    for (const word of svg.querySelectorAll('text.rv-word')) word.tohyoKept = word.dataset.key;
}"""


def test_a_word_cloud_answered_by_phones_shows_live_on_the_console(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, CLOUD)
    (q,) = host.ids
    host.open_and_present(q)
    # Temples 8 (the biggest), Autumn 5, three words once: one more Autumn changes no
    # word's size class, so the layout stays the same.
    answers = [["Temples", "Autumn"], ["temples", "Autumn", "Matcha"], ["ＴＥＭＰＬＥＳ", "Autumn"]]
    answers += [["Temples", "Autumn"], ["Temples", "Autumn", HOSTILE], ["Temples", 'Tea & "cake"']]
    answers += [["Temples"], ["Temples"]]
    for entries in answers:  # full width, or another case: the same key
        assert host.respond(q, {"entries": entries}) == 201
    page = open_console(open_page, host)
    reloaded = following(page)
    results = page.locator("#results")
    expect(results).to_have_attribute("data-type", "wordcloud")
    cloud = host.question(q)["results"]["cloud"]
    expect(results.locator("text.rv-word")).to_have_count(5)
    assert_drawn_as_laid_out(drawn_words(results), cloud)
    assert_inside_boxes(results, cloud)
    expect(results.locator(".rv-total")).to_have_text("8 answers · 5 different entries")
    # The list for screen readers: most common first, with counts; the drawing is hidden.
    expect(results.locator("ol.rv-top li").first).to_have_text("Temples: 8")
    assert results.locator("svg.rv-cloud").get_attribute("aria-hidden") == "true"
    # Hostile text is text: in the cloud, the list and the host's entries.
    assert results.locator("script, b").count() == 0
    expect(results.locator(f'text.rv-word[data-key="{HOSTILE}"]')).to_have_text(HOSTILE)
    expect(results.locator(".rv-entry-text", has_text="cake")).to_have_text('Tea & "cake"')
    assert_accessible(page, "the console with a word cloud")

    # Live: an answer reaches the open page. One that changes no size class writes to
    # no word but the one whose count it changed... which is drawn the same: none.
    page.evaluate(WATCH)
    assert host.respond(q, {"entries": ["Autumn"]}) == 201
    expect(results.locator("ol.rv-top li").nth(1)).to_have_text("Autumn: 6", timeout=LIVE)
    expect(results.locator(".rv-total")).to_have_text("9 answers · 5 different entries")
    assert host.question(q)["results"]["cloud"] == [
        {**c, "count": c["count"] + (c["key"] == "autumn")} for c in cloud
    ]
    assert page.evaluate("() => [...window.touchedWords]") == []
    # Said to screen readers, politely (at most every few seconds).
    expect(results.locator("#announce")).to_have_text(
        "9 answers. Most common: Temples: 8; Autumn: 6; <script>alert(1)</script>: 1"
    )
    # A new word: drawn where the layout puts it; only the words it moved are written,
    # and every other word keeps its element.
    assert host.respond(q, {"entries": ["Bamboo"]}) == 201
    expect(results.locator(".rv-total")).to_have_text(
        "10 answers · 6 different entries", timeout=LIVE
    )
    expect(results.locator("text.rv-word")).to_have_count(6)
    after = host.question(q)["results"]["cloud"]
    assert_drawn_as_laid_out(drawn_words(results), after)
    before = {c["key"]: c for c in cloud}
    geometry = ("text", "size", "x", "y", "width", "height")
    changed = {
        c["key"]
        for c in after
        if c["key"] not in before or any(c[f] != before[c["key"]][f] for f in geometry)
    }
    assert "bamboo" in changed
    touched = set(page.evaluate("() => [...window.touchedWords]"))
    assert touched <= changed, (touched, changed)
    kept = page.evaluate(
        "() => [...document.querySelectorAll('#results text.rv-word')]"
        ".filter((w) => w.tohyoKept === w.dataset.key).map((w) => w.dataset.key)"
    )
    assert set(kept) == {c["key"] for c in after} - {"bamboo"}
    reloaded()
    shot(page, "results-wordcloud-console")


def test_the_word_cloud_in_japanese(open_page: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, {**CLOUD, "prompt": "京都といえば？"})
    (q,) = host.ids
    host.open_and_present(q)
    for entries in (["お寺", "紅葉"], ["お寺"], ["抹茶 パフェ"]):  # a phrase stays one entry
        assert host.respond(q, {"entries": entries}) == 201
    page = open_console(open_page, host, locale="ja-JP")
    results = page.locator("#results")
    expect(results.locator(".rv-total")).to_have_text("回答3件・3種類の言葉")
    expect(results.locator('text.rv-word[data-key="抹茶 パフェ"]')).to_have_text("抹茶 パフェ")
    assert_drawn_as_laid_out(drawn_words(results), host.question(q)["results"]["cloud"])
    expect(results.locator("ol.rv-top li").first).to_have_text("お寺：2")
    expect(results.get_by_role("button", name="「お寺」を非表示にする")).to_be_visible()
    assert_accessible(page, "the console's word cloud in Japanese")


def sixty_words() -> list[str]:
    """70 distinct entries (the cloud shows the 60 most common), long and short, Latin and
    Japanese, so the layout has to scale its sizes down to fit."""
    words = [f"Word {i:02d}" for i in range(40)]
    words += [f"長めの言葉{i}" for i in range(15)]
    words += [f"A rather long entry, number {i:02d}"[:40] for i in range(15)]
    return words


def test_presenter_mode_fits_a_word_cloud_of_sixty_words(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = TypedHost(server, {**CLOUD, "maxEntries": 10})
    (q,) = host.ids
    host.open_and_present(q)
    words = sixty_words()
    # Word i is sent (i % 12) + 1 times, ten entries an answer, so the words come in
    # several size classes.
    for times in range(12):
        sent = [w for i, w in enumerate(words) if i % 12 >= times]
        for start in range(0, len(sent), 10):
            assert host.respond(q, {"entries": sent[start : start + 10]}) == 201
    cloud = host.question(q)["results"]["cloud"]
    assert len(cloud) == 60
    console = open_console(open_page, host)
    page = console.context.new_page()
    for viewport in PROJECTORS:
        page.set_viewport_size(viewport)
        goto(page, f"/e/{host.event_id}/present")
        results = page.locator("#results")
        expect(results.locator("text.rv-word")).to_have_count(60)
        assert_drawn_as_laid_out(drawn_words(results), cloud)
        assert_inside_boxes(results, cloud)
        assert_fits(
            page,
            viewport,
            "#results text.rv-word",
            "#results .rv-total",
            "#present-prompt",
            "#join-code",
            ".present-controls .button",
        )
        # The cloud takes the stage: most of its width or of its height.
        box = results.locator("svg.rv-cloud").bounding_box()
        assert box is not None
        assert box["width"] >= viewport["width"] * 0.6 or box["height"] >= viewport["height"] * 0.5
        assert page.locator("#results .rv-entries").count() == 0  # moderation is the console's
        shot(page, "results-wordcloud-present")
        assert_accessible(page, f"presenter mode with 60 words at {viewport}")
    # Live on the projector too.
    total = page.locator("#results .rv-total")
    shown = total.text_content() or ""
    assert host.respond(q, {"entries": ["Word 00"]}) == 201
    expect(total).not_to_have_text(shown, timeout=LIVE)
    expect(total).to_have_text(re.compile(r"^\d+ answers · 70 different entries$"))
