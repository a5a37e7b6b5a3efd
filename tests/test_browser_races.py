"""The pages against the two races a real browser runs: controls used before the page's
scripts have arrived, and states that arrive after a newer one.

Scripts are held back with `page.route` until the test releases them, so "the click came
first" is certain rather than likely; late states are real states of the session (read
from the API earlier) delivered late, the way a slow fetch or another stream would.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest

from tests import browser as pages
from tests.browser import LAPTOP, create_through_form, goto
from tests.conftest import QUESTION, ServerProcess, host, voter

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
    page.wait_for_function("() => document.readyState === 'interactive'")  # (no eval: CSP)
    # The scripts are modulepreloads the parser asked for, but Playwright hands a held
    # request to `hold` only while it dispatches events: on a busy machine the page can
    # be interactive before that. Wait for one held request rather than check once.
    deadline = time.monotonic() + WAIT_S
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(20)
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
        "join-code",  # the join-with-a-code field above the poll form (issue #13)
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
    expect(page.get_by_role("button", name="Join")).to_be_disabled()
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


# --- late states ---------------------------------------------------------------------------


def cast(server: ServerProcess, created: dict[str, Any], n: int, choice: str = "1") -> None:
    response = httpx.post(
        f"{server.url}/api/vote/{created['sessionId']}",
        json={"choiceIds": [choice]},
        headers=voter(n),
    )
    assert response.status_code == 201, response.text


def totals_shown(page: Any) -> list[int]:
    texts: list[str] = page.evaluate("window.totalsShown")
    return [int(m.group()) if (m := re.match(r"\d+", text)) else 0 for text in texts]


def wait_until(page: Any, condition: Callable[[], bool], what: str) -> None:
    """Wait for `condition`, which Playwright's event handlers make true (they run while
    the page is waited on)."""
    for _ in range(WAIT_S * 20):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never happened: {what}")


def sse(kind: str, view: dict[str, Any], retry_ms: int | None = None) -> str:
    """One frame as the server writes it (tohyo.feed.sse_frame)."""
    state = {k: v for k, v in view.items() if k not in ("canVote", "hasVoted", "isHost", "message")}
    head = f"retry: {retry_ms}\n\n" if retry_ms is not None else ""
    return f"{head}id: {view['version']}\nevent: {kind}\ndata: {orjson.dumps(state).decode()}\n\n"


def test_a_late_settings_answer_does_not_turn_the_host_chart_back(
    open_page: Any, server: ServerProcess
) -> None:
    """Issue #12 item 7: the answer to a settings change, overtaken on the stream by a
    newer vote, was drawn after it, and the chart went back a vote."""
    from playwright.sync_api import expect

    page = open_page(LAPTOP)
    page.add_init_script(RECORD_TOTALS)
    url = create_through_form(page, "Late answer?", ["A", "B"], multiple=False)
    created = {"sessionId": url.rsplit("/", 1)[1]}
    total = page.locator("#total")
    cast(server, created, 1)
    expect(total).to_have_text("1 ballot")

    answers: list[tuple[Any, Any]] = []  # the settings request, done, its answer held back
    page.route("**/settings", lambda route: answers.append((route, route.fetch())))
    page.get_by_label("Results shown to").select_option("host")
    wait_until(page, lambda: bool(answers), "the settings request")
    cast(server, created, 2)  # after the settings change: a newer version
    expect(total).to_have_text("2 ballots")  # the stream brought it

    route, answer = answers[0]
    assert answer.json()["totalVotes"] == 1
    with page.expect_response("**/settings") as late:
        route.fulfill(response=answer)
    late.value.finished()
    cast(server, created, 3)  # a later change, so any regression has shown by then
    expect(total).to_have_text("3 ballots")
    assert totals_shown(page) == [0, 1, 2, 3]
    expect(page.locator("#visibility")).to_have_value("host")


def test_an_older_snapshot_on_a_new_stream_is_ignored(
    open_page: Any, server: ServerProcess
) -> None:
    from playwright.sync_api import expect

    created = httpx.post(
        server.url + "/api/vote", json={**QUESTION, "resultsVisibility": "always"}
    ).json()
    cast(server, created, 1)
    older = httpx.get(f"{server.url}/api/vote/{created['sessionId']}", headers=host(created))
    cast(server, created, 2)

    page = open_page()
    page.add_init_script(RECORD_TOTALS)
    streams: list[str] = []

    def stream(route: Any) -> None:
        streams.append(route.request.url)
        if len(streams) == 2:  # the stream reopened after voting: answered by the past
            route.fulfill(
                status=200,
                headers={"content-type": "text/event-stream"},
                body=sse("snapshot", older.json(), retry_ms=100),
            )
        else:
            route.continue_()

    page.route(STREAM, stream)
    goto(page, f"/vote/{created['sessionId']}")
    expect(page.locator("#total")).to_have_text("2 ballots")
    page.get_by_label("Curry", exact=True).check()
    page.get_by_role("button", name="Vote").click()
    # The old snapshot's stream ends; the page reconnects and gets the present.
    wait_until(page, lambda: len(streams) >= 3, "a reconnect after the old snapshot")
    expect(page.locator("#total")).to_have_text("3 ballots")
    assert totals_shown(page) == [2, 3]


def test_a_lower_version_within_one_stream_is_shown_as_the_servers_reset(
    open_page: Any, server: ServerProcess
) -> None:
    """Within one stream the server orders the frames: a lower version there is storage
    having lost changes (tohyo.feed.Feed.reset), and the page shows what the server has."""
    from playwright.sync_api import expect

    created = httpx.post(server.url + "/api/vote", json=QUESTION).json()
    cast(server, created, 1)
    lost = httpx.get(f"{server.url}/api/vote/{created['sessionId']}", headers=host(created))
    cast(server, created, 2)
    newest = httpx.get(f"{server.url}/api/vote/{created['sessionId']}", headers=host(created))
    assert lost.json()["version"] < newest.json()["version"]

    page = open_page(LAPTOP)
    page.add_init_script(RECORD_TOTALS)
    page.context.add_cookies(
        [{"name": k, "value": v, "url": server.url} for k, v in host_cookie(server, created)]
    )
    replayed: list[str] = []

    def stream(route: Any) -> None:
        replayed.append(route.request.url)
        if len(replayed) == 1:
            body = sse("snapshot", newest.json(), retry_ms=100) + sse("update", lost.json())
            route.fulfill(status=200, headers={"content-type": "text/event-stream"}, body=body)
        else:
            route.continue_()

    page.route(STREAM, stream)
    goto(page, f"/vote/{created['sessionId']}")
    wait_until(page, lambda: len(replayed) >= 2, "a reconnect after the reset")
    expect(page.locator("#total")).to_have_text("2 ballots")  # the real stream, reconnected
    assert totals_shown(page) == [2, 1, 2]


def host_cookie(server: ServerProcess, created: dict[str, Any]) -> list[tuple[str, str]]:
    """The host cookie a browser gets for the session's host token."""
    claimed = httpx.post(
        f"{server.url}/api/vote/{created['sessionId']}/host", headers=host(created)
    )
    assert claimed.status_code == 200, claimed.text
    return list(claimed.cookies.items())
