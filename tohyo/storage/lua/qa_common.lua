-- Shared by the Q&A scripts (prepended to each, after event_common.lua). An event's
-- audience Q&A is six keys beside the event's own, all under the hash tag {eventId}
-- (redis_keys.event_qa_keys), each script taking the event's hash first:
--   KEYS[1] the event:  its ea and st decide whether the Q&A is there and takes changes
--   KEYS[2] state:      v (version: +1 per change), p (the pinned entry; absent: none),
--                       n (the next entry's number; absent: 1). Entries are never
--                       deleted, so the event holds n - 1 of them.
--   KEYS[3] entries:    entryId -> "<status> <answeredAt or -> <JSON>"; the JSON is the
--                       caller's, written once as asked (author, text, nickname,
--                       askedAt, filtered) and never read here: moderation rewrites the
--                       head only
--   KEYS[4] counts:     entryId -> its upvotes (absent: none)
--   KEYS[5] askers:     participant -> how many entries they have asked
--   KEYS[6] upvotes:    a set of "<entryId> <participant>", one member per upvote
--   KEYS[7] mine:       participant -> " a1 a5 ", the entries they upvote (their page's
--                       marks, in one HGET)
-- A key written gets PEXPIREAT at the event's expiresAt, which event_change.lua moves
-- for all of them and event_expire.lua deletes them with. Nothing is published: Q&A is
-- not the Event, and the event's channel carries its wire messages only.

-- The event's expiresAt if its Q&A takes changes at `now`; else nil and the refusal:
-- 0 (no such event, or expired) or 1 (it has ended).
local function qa_taking(now)
  local head = redis.call('HMGET', KEYS[1], 'ea', 'st')
  if not head[1] or tonumber(head[1]) <= now then return nil, 0 end
  if head[2] ~= 'live' then return nil, 1 end
  return head[1], nil
end

-- PEXPIREAT `ea` on each of the keys numbered.
local function qa_follow(ea, ...)
  for _, i in ipairs({...}) do redis.call('PEXPIREAT', KEYS[i], ea) end
end
