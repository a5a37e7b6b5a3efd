"""A ranking answered from a phone in a real browser (Debian's Chromium, Playwright, a real
`tohyo serve`): each phone starting from an order of its own, at random; rows ordered by
dragging their grip (a mouse; a finger on a touch screen), by their Up and Down buttons, or
from the keyboard alone (the arrow keys on a row's grip: the focus stays on the moved row,
its new place announced); "your top N" marked; Send — and the host's GET /api/events/{id}
counting the ranking's Borda points."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import browser as pages
from tests.answer_browser import LIVE, checked_at_widths, host_results, ranking
from tests.browser import PHONE, goto, shot
from tests.conftest import ServerProcess
from tests.event_browser import Host, card, following

pytestmark = pytest.mark.slow

browser, server, open_page = pages.browser, pages.server, pages.open_page


def order(section: Any) -> list[str]:
    texts: list[str] = section.locator(".ev-rank-list .ev-rank-text").all_text_contents()
    return texts


def arrange(section: Any, texts: list[str] | tuple[str, ...], grip_name: str = "Move “{}”") -> None:
    """Puts the rows in the order `texts` from the keyboard (Home on each grip, last first),
    whatever random order the page started them in; `grip_name` the grip's name in the
    page's language."""
    for text in reversed(texts):
        grip = section.get_by_role("button", name=grip_name.format(text), exact=True)
        grip.focus()
        grip.press("Home")
    assert order(section) == list(texts)


def points(host: Host) -> dict[str, int]:
    return {item["choiceId"]: item["points"] for item in host_results(host)["items"]}


def centre(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_phone_drags_and_taps_its_top_two_and_the_host_counts_them(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    items = ("Ramen", "Curry", '<i>Sushi</i> & "rolls"', "Udon")
    host = Host(server, ranking("Best lunch?", *items, rankTop=2))
    phone = open_page(PHONE)
    goto(phone, host.path)
    followed = following(phone)
    host.open_and_present("q1")
    section = card(phone, "Best lunch?")
    expect(section.locator(".ev-rank-item")).to_have_count(4, timeout=LIVE)
    expect(section.locator(".ev-rank-hint")).to_contain_text("Only your top 2 count.")
    arrange(section, items)
    expect(section.locator(".ev-rank-top .ev-rank-text")).to_have_text(["Ramen", "Curry"])
    expect(section.locator(".ev-rank-place")).to_have_text(["1", "2", "–", "–"])
    expect(section.get_by_role("button", name="Move “Ramen” up")).to_be_disabled()
    checked_at_widths(phone, "ranking")

    # Sushi dragged by its grip above Ramen, the pointer moved in small steps as a hand does.
    grip = section.get_by_role("button", name=f"Move “{items[2]}”", exact=True)
    x, y = centre(grip)
    _, top = centre(section.locator(".ev-rank-item").first)
    phone.mouse.move(x, y)
    phone.mouse.down()
    for step in range(1, 11):
        phone.mouse.move(x, y + (top - 20 - y) * step / 10)
    expect(section.locator(".ev-rank-dragging")).to_have_count(1)
    phone.mouse.up()
    expect(section.locator(".ev-rank-dragging")).to_have_count(0)
    assert order(section) == [items[2], "Ramen", "Curry", "Udon"]
    expect(section.locator(".ev-rank-top .ev-rank-text")).to_have_text([items[2], "Ramen"])
    expect(section.locator(".ev-live")).to_contain_text(f"“{items[2]}”: place 1 of 4.")

    up = section.get_by_role("button", name="Move “Udon” up")
    up.click()  # a tap: Udon above Curry, the focus still on its button
    assert order(section) == [items[2], "Ramen", "Udon", "Curry"]
    expect(up).to_be_focused()
    expect(section.locator(".ev-live")).to_contain_text("“Udon”: not in your top 2.")
    up.click()
    assert order(section) == [items[2], "Udon", "Ramen", "Curry"]
    shot(phone, "answer-ranking")
    checked_at_widths(phone, "ranking, reordered")

    section.get_by_role("button", name="Send").click()
    thanks = section.locator(".thanks")
    expect(thanks).to_be_focused()
    expect(thanks.locator(".ev-mine li")).to_have_text([items[2], "Udon"])
    # Borda over 4 items: first place 4 points, second 3, unranked 0.
    assert points(host) == {"3": 4, "4": 3, "1": 0, "2": 0}
    followed()


def test_keyboard_only_ranking_keeps_the_focus_on_the_moved_item(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, ranking("Order the talks", "Alpha", "Beta", "Gamma"))
    host.open_and_present("q1")
    phone = open_page(PHONE)
    goto(phone, host.path)
    section = card(phone, "Order the talks")
    expect(section.locator(".ev-rank-top")).to_have_count(0)  # every place counts: no mark
    a, b, c = order(section)  # the page's own starting order
    ids = {"Alpha": "1", "Beta": "2", "Gamma": "3"}
    for _ in range(12):  # Tab from the top of the page to the first grip
        phone.keyboard.press("Tab")
        if phone.evaluate("() => document.activeElement.classList.contains('ev-rank-handle')"):
            break
    first = section.get_by_role("button", name=f"Move “{a}”", exact=True)
    expect(first).to_be_focused()
    expect(first).to_have_accessible_description(
        "Press the up or down arrow key to move it; Home and End move it to the top or the bottom."
    )
    live = section.locator(".ev-live")
    phone.keyboard.press("ArrowDown")
    assert order(section) == [b, a, c]
    expect(first).to_be_focused()
    expect(live).to_have_text(f"“{a}”: place 2 of 3.")
    phone.keyboard.press("End")
    assert order(section) == [b, c, a]
    expect(first).to_be_focused()
    expect(live).to_have_text(f"“{a}”: place 3 of 3.")
    phone.keyboard.press("ArrowDown")  # already last: nothing moves, nothing said
    assert order(section) == [b, c, a]
    phone.keyboard.press("Tab")  # the Up button of the moved row (Down is disabled)
    expect(section.get_by_role("button", name=f"Move “{a}” up")).to_be_focused()
    phone.keyboard.press("Enter")
    assert order(section) == [b, a, c]
    expect(section.get_by_role("button", name=f"Move “{a}” up")).to_be_focused()
    phone.keyboard.press("Enter")  # to the top: Up disabled there, the focus on the grip
    assert order(section) == [a, b, c]
    expect(first).to_be_focused()
    expect(live).to_have_text(f"“{a}”: place 1 of 3.")
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("ArrowDown")
    assert order(section) == [b, c, a]
    for _ in range(12):  # on to Send
        phone.keyboard.press("Tab")
        if phone.evaluate("() => document.activeElement.type === 'submit'"):
            break
    phone.keyboard.press("Enter")
    expect(section.locator(".thanks .ev-mine li")).to_have_text([b, c, a])
    assert points(host) == {ids[b]: 3, ids[c]: 2, ids[a]: 1}


def test_a_finger_drags_a_row_on_a_touch_screen(browser: Any, server: ServerProcess) -> None:
    from playwright.sync_api import expect

    host = Host(server, ranking("Which first?", "One", "Two", "Three"))
    host.open_and_present("q1")
    context = browser.new_context(
        viewport=PHONE, base_url=server.url, has_touch=True, is_mobile=True
    )
    try:
        phone = context.new_page()
        goto(phone, host.path)
        section = card(phone, "Which first?")
        one, two, three = order(section)  # the page's own starting order
        x, y = centre(section.get_by_role("button", name=f"Move “{one}”", exact=True))
        _, bottom = centre(section.locator(".ev-rank-item").last)
        touch = phone.context.new_cdp_session(phone)

        def finger(kind: str, at_y: float) -> None:
            points = [] if kind == "touchEnd" else [{"x": x, "y": at_y}]
            touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        finger("touchStart", y)
        for step in range(1, 11):
            finger("touchMove", y + (bottom + 20 - y) * step / 10)
        finger("touchEnd", bottom + 20)
        expect(section.locator(".ev-rank-dragging")).to_have_count(0)
        assert order(section) == [two, three, one]
        assert phone.evaluate("() => window.scrollY") == 0  # the finger dragged, not scrolled
    finally:
        context.close()


def test_a_refused_ranking_is_told_in_the_form_and_can_be_sent_again(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    host = Host(server, ranking("Pick an order", "Left", "Right"))
    host.open_and_present("q1")
    phone = open_page(PHONE)
    open_page.tolerate("400")  # the refusal, logged by Chromium as a failed load

    def spoil(route: Any) -> None:  # as a broken client would send it
        route.continue_(post_data=json.dumps({"ranking": ["1", "9"], "round": 1}))

    goto(phone, host.path)
    section = card(phone, "Pick an order")
    phone.route("**/responses", spoil)
    section.get_by_role("button", name="Send").click()
    error = section.locator(".form-error")
    expect(error).to_have_text(
        "Your answer could not be accepted. Please check it and send it again."
    )
    expect(section.get_by_role("button", name="Send")).to_be_enabled()
    assert host_results(host)["totalVotes"] == 0
    phone.unroute("**/responses")
    first, second = order(section)  # the page's own starting order
    section.get_by_role("button", name=f"Move “{second}” up").click()
    expect(error).to_have_text("")  # a change clears it
    section.get_by_role("button", name="Send").click()
    expect(section.locator(".thanks .ev-mine li")).to_have_text([second, first])
    ids = {"Left": "1", "Right": "2"}
    assert points(host) == {ids[second]: 2, ids[first]: 1}


def test_each_phone_starts_from_a_random_order_kept_until_a_new_round(
    open_page: Any, server: ServerProcess
) -> None:
    """A participant who just taps Send must not rank the items in the question's order."""
    from playwright.sync_api import expect

    host = Host(server, ranking("Which first?", "A", "B", "C", "D"))
    host.open_and_present("q1")
    phone = open_page(PHONE)
    # Math.random always 0: Fisher–Yates swaps each place from the last with the first.
    phone.add_init_script("Math.random = () => 0;")
    goto(phone, host.path)
    section = card(phone, "Which first?")
    texts = section.locator(".ev-rank-list .ev-rank-text")
    expect(texts).to_have_text(["B", "C", "D", "A"], timeout=LIVE)
    expect(section.locator(".ev-rank-hint")).to_contain_text(
        "The items start in a random order. Put them in your order, best first: drag them"
    )
    section.get_by_role("button", name="Send").click()
    expect(section.locator(".thanks .ev-mine li")).to_have_text(["B", "C", "D", "A"])
