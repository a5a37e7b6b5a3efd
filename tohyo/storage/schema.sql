-- tohyo's SQLite schema. A session row carries its tallies so that loading a session
-- costs one row, not a scan of its ballots; the ballots table is the audit trail.
--
-- Ballots are appended in rowid order and indexed by session only, so the ballots of a
-- hot session land on the same few pages: a commit of 100 ballots writes a handful of
-- pages instead of 100 scattered ones. One ballot per voter is decided in memory by the
-- one process that owns this file (see tohyo/storage/local.py), not by an index.
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS sessions (
    id          TEXT PRIMARY KEY,
    question    TEXT NOT NULL,
    vote_type   TEXT NOT NULL CHECK (vote_type IN ('single', 'multiple')),
    choices     TEXT NOT NULL,          -- JSON list of choice texts; ids are "1".."n"
    created_at  INTEGER NOT NULL,       -- milliseconds since the epoch
    expires_at  INTEGER NOT NULL,
    host_key    BLOB NOT NULL,          -- keyed hash of the host token
    status      TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    closed_at   INTEGER,
    counts      TEXT NOT NULL,          -- JSON list of per-choice counts
    total_votes INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    visibility  TEXT NOT NULL DEFAULT 'after_vote',  -- who sees the counts
    closes_at   INTEGER                 -- the deadline, if any
);

CREATE INDEX IF NOT EXISTS sessions_expires_at ON sessions (expires_at);

CREATE TABLE IF NOT EXISTS ballots (
    seq        INTEGER PRIMARY KEY,     -- append order
    session_id TEXT NOT NULL,
    voter_key  BLOB NOT NULL,           -- keyed hash of (session, voter token)
    choice_ids TEXT NOT NULL,           -- comma-separated choice ids
    voted_at   INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ballots_session ON ballots (session_id);

-- Events: each in three parts, so that a change writes only the part it changed. A small
-- row of what is looked up, swept or counted (the version moves with every answer); the
-- structure (title, pace, presenting, questions: up to 64 KiB of text) beside it, written
-- only by the host's changes; and a row per question round for its tally, written by the
-- answers in that round. An answer's commit never rewrites the structure. The JSON is
-- tohyo/storage/event_codec.py's. Join codes are allocated in memory by the one process
-- that owns this file; the unique index on live codes is the backstop.
CREATE TABLE IF NOT EXISTS events (
    id         TEXT PRIMARY KEY,
    code       TEXT,                    -- the join code while live; NULL once ended
    status     TEXT NOT NULL CHECK (status IN ('live', 'ended')),
    revision   INTEGER NOT NULL,        -- +1 per host change
    version    INTEGER NOT NULL,        -- +1 per any change
    host_key   BLOB NOT NULL,           -- keyed hash of the host token
    created_at INTEGER NOT NULL,        -- milliseconds since the epoch
    expires_at INTEGER NOT NULL,
    ended_at   INTEGER
);

CREATE UNIQUE INDEX IF NOT EXISTS events_live_code ON events (code) WHERE status = 'live';
CREATE INDEX IF NOT EXISTS events_expires_at ON events (expires_at);

CREATE TABLE IF NOT EXISTS event_structures (
    event_id  TEXT PRIMARY KEY,
    structure TEXT NOT NULL             -- JSON: title, pace, presenting, questions, …
);

CREATE TABLE IF NOT EXISTS event_tallies (
    event_id    TEXT NOT NULL,
    question_id TEXT NOT NULL,
    round       INTEGER NOT NULL,
    counts      TEXT NOT NULL,          -- JSON: {counter: count}
    total       INTEGER NOT NULL,       -- answers in the round
    PRIMARY KEY (event_id, question_id, round)
) WITHOUT ROWID;

-- Answers, appended like ballots (and like them the audit trail: the tallies are in
-- event_tallies). One answer per participant per round is decided in memory. An answer
-- to a question that allows a change keeps the counters it added (`increments`), and a
-- change writes the new answer over it, found by the partial index
-- responses_changeable (made in tohyo/storage/sqlite_file.py, once an older file has
-- gained the column).
CREATE TABLE IF NOT EXISTS responses (
    seq         INTEGER PRIMARY KEY,    -- append order
    event_id    TEXT NOT NULL,
    question_id TEXT NOT NULL,
    round       INTEGER NOT NULL,
    participant BLOB NOT NULL,          -- keyed hash of (event, participant token)
    answer      TEXT NOT NULL,          -- the answer's canonical JSON
    answered_at INTEGER NOT NULL,
    increments  TEXT                    -- JSON list of counters, if it may be changed
);

CREATE INDEX IF NOT EXISTS responses_event ON responses (event_id);

-- Nicknames (quiz events), beside the event rather than in its structure: a hall's 10,000
-- names are written once each, never with every change of the event. A participant holds
-- one at most, and a key (tohyo.domain.quiz.nickname: what two names that are one name
-- share) belongs to one participant in the event at most. Who takes which is decided in
-- memory; the unique constraint is the backstop. An older file gains the table as it
-- opens (every statement here is IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS event_nicknames (
    event_id    TEXT NOT NULL,
    participant BLOB NOT NULL,          -- keyed hash of (event, participant token)
    key         TEXT NOT NULL,          -- the nickname's key: unique in the event
    shown       TEXT NOT NULL,          -- the nickname as shown
    PRIMARY KEY (event_id, participant),
    UNIQUE (event_id, key)
) WITHOUT ROWID;

-- Audience Q&A (tohyo.domain.qa), beside the event as nicknames are: an entry per
-- question asked (its status and answeredAt the only parts moderation changes), a row
-- per upvote (who gave it, never a count: the primary key is the backstop for one per
-- participant, which is decided in memory), and per event its pinned entry, its Q&A
-- version and the number the next entry takes. Deleted with the event. An older file
-- gains the tables as it opens.
CREATE TABLE IF NOT EXISTS event_qa_entries (
    event_id    TEXT NOT NULL,
    entry_id    TEXT NOT NULL,          -- "a1", "a2", … in the order asked
    author      BLOB NOT NULL,          -- keyed hash of (event, participant token)
    text        TEXT NOT NULL,
    nickname    TEXT,                   -- shown with it, if the author chose to
    status      TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'answered', 'hidden')),
    asked_at    INTEGER NOT NULL,
    answered_at INTEGER,
    filtered    INTEGER NOT NULL,       -- 1: the event's filters caught it when asked
    PRIMARY KEY (event_id, entry_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS event_qa_upvotes (
    event_id    TEXT NOT NULL,
    entry_id    TEXT NOT NULL,
    participant BLOB NOT NULL,          -- keyed hash of (event, participant token)
    PRIMARY KEY (event_id, entry_id, participant)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS event_qa (
    event_id    TEXT PRIMARY KEY,
    pinned      TEXT,                   -- the entry being answered, if any
    version     INTEGER NOT NULL,       -- +1 per change of the event's Q&A
    next_number INTEGER NOT NULL        -- the next entry is "a" .. this
) WITHOUT ROWID;
