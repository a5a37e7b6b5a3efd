-- One answer in the question's current round, if the participant has none in it.
-- KEYS: the event's three keys, its channel. ARGV: now, publish command, questionId,
-- participant key, the stored answer ("answeredAt answerJSON"), the participant key in
-- hex (for the message), the round the answer is meant for ("" for the current one),
-- then the tally counters it adds 1 to (a name may repeat).
-- Returns 0 (no such event), 1 (closed), 2 (already answered), 3 (no such question, or
-- a draft: participants never learn that drafts exist), {4, round} (the question is in
-- another round than the one meant: a reset came first), or the message published:
-- "<v> a {q, r, p, n: total, c: [counter, count, ...]}".
local now = tonumber(ARGV[1])
local head = redis.call('HMGET', KEYS[1], 'ea', 'st', 'qs:' .. ARGV[3])
if not head[1] or tonumber(head[1]) <= now then return 0 end
if not head[3] then return 3 end
local status, round, closes_at = string.match(head[3], '^(%S+) (%d+) (%d+)$')
if status == 'draft' then return 3 end
-- A deadline closes the question as of then, whether or not a read has settled it yet.
local closes = tonumber(closes_at)
if head[2] ~= 'live' or status ~= 'open' or (closes > 0 and now >= closes) then return 1 end
if ARGV[7] ~= '' and tonumber(ARGV[7]) ~= tonumber(round) then return {4, tonumber(round)} end
local prefix = ARGV[3] .. ':' .. round
if redis.call('HSETNX', KEYS[3], prefix .. ':' .. ARGV[4], ARGV[5]) == 0 then return 2 end
local mine = 'a:' .. ARGV[4]
local answered = redis.call('HGET', KEYS[3], mine)
redis.call('HSET', KEYS[3], mine, answered and (answered .. ' ' .. prefix) or prefix)
local touched = {}
for i = 8, #ARGV do
  touched[#touched + 1] = ARGV[i]
  touched[#touched + 1] = redis.call('HINCRBY', KEYS[2], prefix .. ':' .. ARGV[i], 1)
end
local total = redis.call('HINCRBY', KEYS[2], prefix, 1)
local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('PEXPIREAT', KEYS[2], head[1])
redis.call('PEXPIREAT', KEYS[3], head[1])
local message = v .. ' a ' .. cjson.encode(
  {q = ARGV[3], r = tonumber(round), p = ARGV[6], n = total, c = touched})
redis.call(ARGV[2], KEYS[4], message)
return message
