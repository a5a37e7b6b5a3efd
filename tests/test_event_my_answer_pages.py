"""What a participant sent, on the page they reload (rendered in-process): each shown
question they answered in its current round carries their answer as they sent it
(`myAnswer`), for every type; no one else's page carries it, nor a question they did not
answer, nor an earlier round's. And the host's preview (`?preview=1`): the participant's
page with a banner, for the host only. (Chromium drives both: test_browser_my_answer.py.)
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import create_session, new_client
from tests.test_event_pages import app, host_does, page_view
from tohyo.web.app import TohyoApp

__all__ = ["app"]

QUESTIONS = [
    {"type": "single", "prompt": "Lunch?", "choices": [{"text": "Ramen"}, {"text": "Curry"}]},
    {"type": "wordcloud", "prompt": "A word?"},
    {"type": "text", "prompt": "Anything else?"},
    {"type": "scale", "prompt": "How was it?", "points": 5},
    {
        "type": "scale",
        "prompt": "Rate",
        "points": 4,
        "statements": [{"text": "Food"}, {"text": "Place"}],
    },
    {"type": "ranking", "prompt": "Rank", "choices": [{"text": "A"}, {"text": "B"}]},
    {"type": "multiple", "prompt": "Drafty?", "choices": [{"text": "X"}, {"text": "Y"}]},
]
SENT = {
    "q1": {"choiceIds": ["2"]},
    "q2": {"entries": ["Soba", "Udon"]},
    "q3": {"text": "More tea,\nplease"},
    "q4": {"value": 4},
    "q5": {"values": [1, 3]},
    "q6": {"ranking": ["2", "1"]},
}


async def opened_event(client: httpx.AsyncClient) -> dict[str, Any]:
    """Every question open in audience pace but the last, a draft."""
    response = await client.post(
        "/api/events", json={"title": "Workshop", "pace": "audience", "questions": QUESTIONS}
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    created["auth"] = {"authorization": f"Bearer {created['hostToken']}"}
    for question_id in SENT:
        await host_does(client, created, f"/questions/{question_id}/open")
    return created


async def send(client: httpx.AsyncClient, event_id: str, question_id: str, body: Any) -> None:
    url = f"/api/events/{event_id}/questions/{question_id}/responses"
    response = await client.post(url, json=body)
    assert response.status_code == 201, response.text


def mine(view: dict[str, Any]) -> dict[str, Any]:
    return {q["questionId"]: q["myAnswer"] for q in view["questions"] if "myAnswer" in q}


async def test_a_reloaded_page_says_what_its_participant_sent(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as phone, new_client(app) as other:
        created = await opened_event(laptop)
        url = f"/e/{created['eventId']}"
        await phone.get(url)  # the voter cookie
        assert mine(page_view((await phone.get(url)).text)) == {}
        for question_id, body in SENT.items():
            await send(phone, created["eventId"], question_id, body)
        await send(other, created["eventId"], "q1", {"choiceIds": ["1"]})

        view = page_view((await phone.get(url)).text)
        assert mine(view) == SENT  # as sent, each type's own shape
        assert mine(page_view((await other.get(url)).text)) == {"q1": {"choiceIds": ["1"]}}
        assert mine(page_view((await laptop.get(url)).text)) == {}  # the host: no participant
        # Not in what the API tells the participant, whose shape is the stream's.
        event = (await phone.get(f"/api/events/{created['eventId']}")).json()
        assert all("myAnswer" not in q for q in event["questions"])


async def test_a_new_round_starts_without_the_last_rounds_answer(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as phone:
        created = await opened_event(laptop)
        url = f"/e/{created['eventId']}"
        await phone.get(url)
        await send(phone, created["eventId"], "q1", {"choiceIds": ["1"]})
        await host_does(laptop, created, "/questions/q1/reset")
        assert mine(page_view((await phone.get(url)).text)) == {}
        await send(phone, created["eventId"], "q1", {"choiceIds": ["2"]})
        assert mine(page_view((await phone.get(url)).text)) == {"q1": {"choiceIds": ["2"]}}


async def test_the_hosts_preview_is_the_participants_page_with_a_banner(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as phone:
        created = await opened_event(laptop)
        url = f"/e/{created['eventId']}?preview=1"
        page = (await laptop.get(url)).text
        view = page_view(page)
        assert view["preview"] is True and view["isHost"] is False
        assert [q["questionId"] for q in view["questions"]] == list(SENT)  # no draft
        assert all("results" not in q for q in view["questions"])  # after_vote, as a phone
        assert 'id="preview-banner"' in page and "answers are not counted" in page
        assert "tohyo_voter" not in (await laptop.get(url)).headers.get("set-cookie", "")
        # The host's page links to it.
        hosted = (await laptop.get(f"/e/{created['eventId']}")).text
        assert f'href="/e/{created["eventId"]}?preview=1"' in hosted
        # For a participant the flag does nothing.
        theirs = (await phone.get(url)).text
        assert "preview" not in page_view(theirs) and 'id="preview-banner"' not in theirs
        ja = (await laptop.get(url + "&lang=ja")).text
        ja = ja.replace("\u200b", "").replace("<wbr>", "")  # phrase breaks aside
        assert "プレビュー — 回答は集計されません。" in ja


async def test_the_polls_preview_is_the_voting_page_with_a_banner(app: TohyoApp) -> None:
    async with new_client(app) as laptop, new_client(app) as phone:
        session_id = (await create_session(laptop))["sessionId"]  # the host's browser
        host_page = (await laptop.get(f"/vote/{session_id}")).text
        assert 'data-page="host"' in host_page
        page = (await laptop.get(f"/vote/{session_id}?preview=1")).text
        assert 'data-page="voter"' in page and 'data-preview="true"' in page
        assert 'id="preview-banner"' in page and f'href="/vote/{session_id}"' in page
        view = page_view(page)
        assert view["canVote"] and not view["isHost"] and "totalVotes" not in view
        theirs = (await phone.get(f"/vote/{session_id}?preview=1")).text
        assert "data-preview" not in theirs and 'id="preview-banner"' not in theirs
