-- Shared by every event script (prepended to each). An event is three hashes, all under
-- the hash tag {eventId}, so one shard owns them and each script sees them whole:
--   KEYS[1] the event:  doc (the structure and indexed fields as JSON, no tallies),
--                       rev (revision: +1 per host change), v (version: +1 per change),
--                       ea (expiresAt ms), st (live|ended), and per question
--                       qs:<questionId> = "<status> <round> <closesAt or 0> <change>"
--                       (what an answer is checked against, so it never decodes the doc;
--                       change 1 if the question allows a change of answer, else 0, and
--                       absent from states written before it existed)
--   KEYS[2] tallies:    "<questionId>:<round>:<counter>" -> count (deleted at 0),
--                       "<questionId>:<round>" -> answers in the round
--   KEYS[3] responses:  "<questionId>:<round>:" .. participant -> "answeredAt answerJSON",
--                       and where the answer may be changed "\n" .. the JSON list of the
--                       counters it added (taken off again by a change),
--                       "a:" .. participant -> "q1:1 q3:2 …" (what they have answered)
-- The caller's clock decides whether an event is still there (`now`); PEXPIREAT only
-- cleans up, exactly as for sessions.

-- expiresAt of an event that exists and whose time is not up at `now`, else nil.
local function live_until(key, now)
  local ea = redis.call('HGET', key, 'ea')
  if ea and tonumber(ea) > now then return ea end
  return nil
end
