-- A host's change as compare-and-set on the revision it was computed from.
-- KEYS: the event's three keys, its channel, then the keys kept beside it (its nicknames
-- and its Q&A's keys: they expire with it). ARGV: now, publish command (PUBLISH, or SPUBLISH on a Cluster),
-- the revision read, the new revision, doc, expiresAt, status, the number of questions
-- n, then n pairs (questionId, its qs state: event_common.lua), then the ids of deleted
-- questions.
-- Returns 0 if missing or expired, 1 if the revision moved on (read again and retry),
-- else {the message published, tallies (flat)}.
local now = tonumber(ARGV[1])
if not live_until(KEYS[1], now) then return 0 end
if redis.call('HGET', KEYS[1], 'rev') ~= ARGV[3] then return 1 end
local fields = {'doc', ARGV[5], 'rev', ARGV[4], 'ea', ARGV[6], 'st', ARGV[7]}
local n = tonumber(ARGV[8])
for i = 0, n - 1 do
  fields[#fields + 1] = 'qs:' .. ARGV[9 + 2 * i]
  fields[#fields + 1] = ARGV[10 + 2 * i]
end
redis.call('HSET', KEYS[1], unpack(fields))
for i = 9 + 2 * n, #ARGV do redis.call('HDEL', KEYS[1], 'qs:' .. ARGV[i]) end
-- Answers may have landed since the read: the version is Redis's, not the caller's.
local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
for i = 1, 3 do redis.call('PEXPIREAT', KEYS[i], ARGV[6]) end
for i = 5, #KEYS do redis.call('PEXPIREAT', KEYS[i], ARGV[6]) end  -- absent: a no-op
local message = v .. ' c ' .. ARGV[4] .. ' ' .. ARGV[5]
redis.call(ARGV[2], KEYS[4], message)
return {message, redis.call('HGETALL', KEYS[2])}
