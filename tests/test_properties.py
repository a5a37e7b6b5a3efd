"""Properties of the voting model, for any sequence of casts and closes (Hypothesis).

A plain model of what should happen (who has voted, whether voting is closed) is run
side by side with a real store. Every outcome must match the model, and at every step
the tallies must equal the stored ballots, no voter may hold two ballots, and nothing
may change once voting is closed.

And for any text a session may hold (the text rule's refusals included, as older
sessions may hold them), a chart is drawn and its SVG is well-formed XML.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import jsonschema_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tohyo import charts, domain
from tohyo.domain.text import QUESTION_MAX, refusal, trim
from tohyo.errors import AlreadyVoted, InvalidBallot, VotingClosed
from tohyo.storage import open_store
from tohyo.storage.base import Store
from tohyo.web.openapi_schemas import one_line

CHOICES = 4
# Ids as clients send them: real ones, unknown ones, odd spellings of real ones.
choice_id = st.sampled_from(["1", "2", "3", "4", "5", "0", "01", " 1", ""])
cast = st.tuples(st.just("cast"), st.integers(0, 7), st.lists(choice_id, max_size=5))
close = st.tuples(st.just("close"), st.just(0), st.just([]))
operations = st.lists(st.one_of(cast, cast, cast, close), max_size=40)


def expected_outcome(
    vote_type: str, ids: list[str], voter: int, voted: set[int], closed: bool
) -> str:
    """What the rules say a cast should do: the reference the store is held to."""
    if closed:
        return "closed"
    valid = {"1", "2", "3", "4"}
    if (
        not ids
        or any(i not in valid for i in ids)
        or len(set(ids)) != len(ids)
        or (vote_type == "single" and len(ids) != 1)
    ):
        return "invalid"
    return "already" if voter in voted else "accepted"


async def run(store: Store, vote_type: str, ops: list[tuple[str, int, list[str]]]) -> None:
    now = time.time_ns() // 1_000_000
    draft = domain.Draft("Q?", vote_type, tuple(f"c{i}" for i in range(CHOICES)))  # type: ignore[arg-type]
    definition = domain.make_definition(draft, "s1", b"host", now, 3_600_000)
    session = await store.create(definition)
    voted: set[int] = set()
    closed = False
    for kind, voter, ids in ops:
        before = session
        if kind == "close":
            session = await store.close_voting("s1", now)
            closed = True
            assert session.state.status == "closed"
        else:
            expected = expected_outcome(vote_type, ids, voter, voted, closed)
            try:
                session = await store.cast("s1", voter.to_bytes(2, "big"), tuple(ids), now)
                outcome = "accepted"
            except VotingClosed:
                outcome = "closed"
            except AlreadyVoted:
                outcome = "already"
            except InvalidBallot:
                outcome = "invalid"
            assert outcome == expected, (ids, voter, expected, outcome)
            if outcome == "accepted":
                voted.add(voter)
        if closed and before.state.status == "closed":
            assert session.state == before.state  # nothing changes after close
        stored, _ = await store.get("s1", None, now)
        ballots = await store.ballots("s1")
        counts, total = domain.tally(stored.definition, ballots)
        assert (stored.state.counts, stored.state.total_votes) == (counts, total)
        assert total == len(voted)  # one ballot per voter who was accepted, no more
        assert stored.state.version == 1 + len(voted) + (1 if closed else 0)


def check(url: str, vote_type: str, ops: list[tuple[str, int, list[str]]]) -> None:
    async def main() -> None:
        store = open_store(url)
        await store.start()
        try:
            await run(store, vote_type, ops)
        finally:
            await store.close()

    asyncio.run(main())


@settings(max_examples=300, deadline=None)
@given(vote_type=st.sampled_from(["single", "multiple"]), ops=operations)
def test_any_sequence_in_memory(vote_type: str, ops: list[tuple[str, int, list[str]]]) -> None:
    check("memory://", vote_type, ops)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vote_type=st.sampled_from(["single", "multiple"]), ops=operations)
def test_any_sequence_on_sqlite(vote_type: str, ops: list[tuple[str, int, list[str]]]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        check(f"sqlite:///{Path(directory) / 'p.db'}", vote_type, ops)


# Any code point at all: controls, separators, lone surrogates, noncharacters, CJK, emoji.
any_text = st.text(st.characters(codec=None), max_size=120)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    question=any_text,
    choices=st.lists(any_text, min_size=2, max_size=10),
    votes=st.lists(st.integers(0, 3), max_size=4),
    kind=st.sampled_from(charts.CHARTS),
    lang=st.sampled_from(charts.LANGUAGES),
)
def test_any_text_draws_a_chart_and_a_well_formed_svg(
    question: str, choices: list[str], votes: list[int], kind: charts.ChartKind, lang: str
) -> None:
    draft = domain.Draft(question, "multiple", tuple(choices))  # no text rule: older data
    state = domain.State.initial(len(choices))
    for vote in votes:
        state = domain.add_ballot(state, (vote % len(choices),))
    session = domain.Session(domain.make_definition(draft, "s", b"", 0, 10**13), state)
    svg = charts.render(session, fmt="svg", kind=kind, lang=lang, width=320, height=240, now=0)
    ET.fromstring(svg)
    png = charts.render(session, fmt="png", kind=kind, lang=lang, width=320, height=240, now=0)
    assert png.startswith(b"\x89PNG")


@given(any_text)
def test_the_text_rule_leaves_only_what_xml_and_the_layout_take(text: str) -> None:
    from tohyo.domain.text import displayable, refusal

    shown = displayable(text)
    assert len(shown) == len(text)
    ET.fromstring(f"<t>{escape(shown)}</t>".encode())
    trimmed = shown.strip()
    assert refusal(trimmed, 10**6) in (None, "must be 1-1000000 characters")


@cache
def question_pattern() -> tuple[re.Pattern[str], jsonschema_rs.Validator]:
    pattern = one_line(QUESTION_MAX)
    return re.compile(pattern), jsonschema_rs.validator_for({"type": "string", "pattern": pattern})


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8"), max_size=300))
def test_the_schema_pattern_is_the_text_rule(text: str) -> None:
    """The OpenAPI schema's pattern for a question accepts exactly the texts the server
    does, in Python's regex engine (Hypothesis generates with it) and in the Rust one
    schemathesis validates with."""
    python_engine, rust_engine = question_pattern()
    accepted = refusal(trim(text), QUESTION_MAX) is None
    assert (python_engine.search(text) is not None) == accepted
    assert rust_engine.is_valid(text) == accepted
