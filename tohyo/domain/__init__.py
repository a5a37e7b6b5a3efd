"""The voting model: validation, state transitions and tallies. Pure — no I/O, no clock.

Every backend calls these functions inside its own atomic section, so the rules
(what a valid question or ballot is, what a vote or close does to the state) are
written once. Times are integer milliseconds since the epoch, passed in by callers.

    model        a session's data: Definition, State, Session and their constants
    text         what text a question or a choice may hold
    times        ISO 8601 times in and out
    validation   what clients send, checked: drafts, ballots, settings
    transitions  what votes, closes and settings do to a state; tallies
    views        what a viewer may see of a session

    event              an event's data: questions, presenting, rounds and tallies
    event_specs        what hosts and participants send about events, checked
    event_transitions  what a host's changes and an answer do to an event
    event_views        what a viewer may see of an event
    questions          the question types, one module each

This module only re-exports, so `from tohyo.domain import X` names any of them.
"""

from tohyo.domain.model import (
    CHOICES_MAX,
    CHOICES_MIN,
    DEFAULT_VISIBILITY,
    VISIBILITIES,
    VOTE_TYPES,
    Choice,
    Definition,
    Session,
    State,
    Status,
    Visibility,
    VoteType,
)
from tohyo.domain.text import CHOICE_TEXT_MAX, QUESTION_MAX
from tohyo.domain.times import iso, parse_time
from tohyo.domain.transitions import (
    add_ballot,
    can_see_counts,
    close,
    close_if_due,
    configure,
    percentage,
    require_open,
    tally,
)
from tohyo.domain.validation import (
    DEADLINE_FIELDS,
    DURATION_LIMIT,
    DURATION_MIN,
    SETTINGS_FIELDS,
    Deadline,
    Draft,
    SettingsChange,
    ballot_indexes,
    initial_state,
    is_session_id,
    make_definition,
    parse_ballot,
    parse_deadline,
    parse_draft,
    parse_settings,
)
from tohyo.domain.views import snapshot

__all__ = [
    "CHOICES_MAX",
    "CHOICES_MIN",
    "CHOICE_TEXT_MAX",
    "DEADLINE_FIELDS",
    "DEFAULT_VISIBILITY",
    "DURATION_LIMIT",
    "DURATION_MIN",
    "QUESTION_MAX",
    "SETTINGS_FIELDS",
    "VISIBILITIES",
    "VOTE_TYPES",
    "Choice",
    "Deadline",
    "Definition",
    "Draft",
    "Session",
    "SettingsChange",
    "State",
    "Status",
    "Visibility",
    "VoteType",
    "add_ballot",
    "ballot_indexes",
    "can_see_counts",
    "close",
    "close_if_due",
    "configure",
    "initial_state",
    "is_session_id",
    "iso",
    "make_definition",
    "parse_ballot",
    "parse_deadline",
    "parse_draft",
    "parse_settings",
    "parse_time",
    "percentage",
    "require_open",
    "snapshot",
    "tally",
]
