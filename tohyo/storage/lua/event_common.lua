-- Shared by every event script (prepended to each). An event is three hashes, all under
-- the hash tag {eventId}, so one shard owns them and each script sees them whole:
--   KEYS[1] the event:  doc (the structure and indexed fields as JSON, no tallies),
--                       rev (revision: +1 per host change), v (version: +1 per change),
--                       ea (expiresAt ms), st (live|ended), and per question
--                       qs:<questionId> = "<status> <round> <closesAt or 0>" (what an
--                       answer is checked against, so it never decodes the doc)
--   KEYS[2] tallies:    "<questionId>:<round>:<counter>" -> count,
--                       "<questionId>:<round>" -> answers in the round
--   KEYS[3] responses:  "<questionId>:<round>:" .. participant -> "answeredAt answerJSON",
--                       "a:" .. participant -> "q1:1 q3:2 …" (what they have answered)
-- The caller's clock decides whether an event is still there (`now`); PEXPIREAT only
-- cleans up, exactly as for sessions.

-- expiresAt of an event that exists and whose time is not up at `now`, else nil.
local function live_until(key, now)
  local ea = redis.call('HGET', key, 'ea')
  if ea and tonumber(ea) > now then return ea end
  return nil
end
