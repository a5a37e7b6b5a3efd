"""The pages against the two races a real browser runs: controls used before the page's
scripts have arrived, and states that arrive after a newer one.

Scripts are held back with `page.route` until the test releases them, so "the click came
first" is certain rather than likely; late states are real states of the session (read
from the API earlier) delivered late, the way a slow fetch or another stream would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests import browser as pages
from tests.browser import LAPTOP, create_through_form
from tests.conftest import QUESTION, ServerProcess

pytestmark = pytest.mark.slow

# The fixtures: one Chromium and one real server per module, a fresh context per page.
browser, server, open_page = pages.browser, pages.server, pages.open_page

SCRIPTS = "**/static/*.js"
STREAM = "**/api/vote/*/stream"
WAIT_S = 20  # bound on waiting for a condition, generous for a loaded 2-core machine

# Controls found enabled and shown, as `id`, `name=value` or their type.
USABLE = """() => [...document.querySelectorAll("button, input, select, textarea")]
  .filter((e) => !e.disabled && e.checkVisibility())
  .map((e) => e.id || (e.name ? `${e.name}=${e.value}` : e.type))"""

# Every distinct text the results' total has shown, in order, from the page's first byte.
RECORD_TOTALS = """
window.totalsShown = [];
new MutationObserver(() => {
  const text = document.getElementById("total")?.textContent;
  if (text && window.totalsShown.at(-1) !== text) window.totalsShown.push(text);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def load_with_scripts_held(page: Any, url: str) -> Callable[[], None]:
    """Open `url` with its script modules held back: the page is parsed and on screen, its
    scripts have not run. Returns release(), which lets them load."""
    held: list[Any] = []
    released = False

    def hold(route: Any) -> None:
        if released:
            route.continue_()
        else:
            held.append(route)  # answered in release()

    page.route(SCRIPTS, hold)
    page.goto(url, wait_until="commit")
    # "interactive": the HTML is parsed; deferred (module) scripts run only after this.
    page.wait_for_function("document.readyState === 'interactive'")
    assert held, "the page asked for no script"
    assert page.locator("html").get_attribute("data-ready") is None

    def release() -> None:
        nonlocal released
        released = True
        for route in held:
            route.continue_()

    return release


def usable(page: Any) -> set[str]:
    return set(page.evaluate(USABLE))


def test_the_create_page_refuses_clicks_until_its_script_can_take_them(open_page: Any) -> None:
    """Issue #12 item 11: "Add a choice" clicked before the script loaded was lost."""
    from playwright.sync_api import expect

    page = open_page(LAPTOP)
    release = load_with_scripts_held(page, "/")
    # What works without the script: typing and choosing (the script reads them on submit).
    assert usable(page) == {
        "question",
        "choice-1",
        "choice-2",
        "voteType=single",
        "voteType=multiple",
        "visibility",
        "deadline",
    }
    add = page.get_by_role("button", name="Add a choice")
    create = page.get_by_role("button", name="Create vote")
    expect(add).to_be_disabled()
    expect(create).to_be_disabled()
    page.get_by_label("Question").fill("Early?")
    page.get_by_label("Choice 1", exact=True).fill("Yes")
    page.get_by_label("Choice 2", exact=True).fill("No")
    page.get_by_label("Multiple choice").check()
    page.get_by_label("Who sees the results").select_option("host")
    add.click(force=True)  # a person's click on the disabled button: refused, visibly
    expect(page.get_by_label("Choice 3", exact=True)).to_have_count(0)

    release()
    expect(page.locator("html")).to_have_attribute("data-ready", "true")
    expect(add).to_be_enabled()
    add.click()
    page.get_by_label("Choice 3", exact=True).fill("Maybe")
    create.click()
    page.wait_for_url(re.compile(r"/vote/"))
    # What was typed and chosen before the script arrived made the vote.
    results = page.locator("#results")
    expect(results).to_have_attribute("data-vote-type", "multiple")
    expect(results).to_have_attribute("data-choices", "3")
    expect(page.locator("#visibility")).to_have_value("host")


def test_the_host_view_before_its_script_keeps_an_early_chart_choice(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(LAPTOP)
    url = create_through_form(page, "Early host?", ["A", "B"], multiple=False)
    release = load_with_scripts_held(page, url)
    # Present, close, the deadline, visibility and copy buttons wait for the script;
    # the exports and the voting link are plain links and work at once.
    assert usable(page) == {"chart=bar", "chart=pie"}
    for name in ("Present", "Close voting", "Close in 1 min", "Copy link"):
        expect(page.get_by_role("button", name=name)).to_be_disabled()
    expect(page.get_by_label("Results shown to")).to_be_disabled()
    page.get_by_role("radio", name="Pie").check()  # before the script: kept, not reverted

    release()
    expect(page.locator("html")).to_have_attribute("data-ready", "true")
    expect(page.locator("#results")).to_have_attribute("data-kind", "pie")
    expect(page.get_by_role("radio", name="Pie")).to_be_checked()
    for name in ("Present", "Close voting", "Close in 1 min", "Copy link"):
        expect(page.get_by_role("button", name=name)).to_be_enabled()
    page.get_by_role("button", name="Present").click()
    expect(page.locator("body")).to_have_class(re.compile("presenter"))


def test_the_voting_page_before_its_script_keeps_an_early_choice(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    created = httpx.post(server.url + "/api/vote", json=QUESTION).json()
    page = open_page()
    release = load_with_scripts_held(page, f"/vote/{created['sessionId']}")
    assert usable(page) == {"choice=1", "choice=2", "choice=3"}  # Vote waits for a choice
    page.get_by_label("Curry", exact=True).check()
    release()
    vote_button = page.get_by_role("button", name="Vote")
    expect(vote_button).to_be_enabled()  # the choice made before the script counts
    vote_button.click()
    expect(page.locator("#your-choices")).to_have_text("Curry")
