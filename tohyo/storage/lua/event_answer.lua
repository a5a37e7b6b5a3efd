-- One answer in the question's current round, if the participant has none in it — or,
-- where the question allows a change, in place of the one they have: its counters go
-- down by what it added (a counter reaching 0 is deleted), the new one's go up, and the
-- number of answers stays.
-- KEYS: the event's three keys, its channel. ARGV: now, publish command, questionId,
-- participant key, the stored answer ("answeredAt answerJSON"), the participant key in
-- hex (for the message), the round the answer is meant for ("" for the current one),
-- the tally counters it adds 1 to as a JSON list (kept with the answer when it may be
-- changed, so that a change can take them off again), then those counters one by one
-- (a name may repeat).
-- Returns 0 (no such event), 1 (closed), 2 (already answered), 3 (no such question, or
-- a draft: participants never learn that drafts exist), {4, round} (the question is in
-- another round than the one meant: a reset came first), or the message published:
-- "<v> a {q, r, p, n: total, c: [counter, count, ...]}" (a counter's new count, 0 for
-- one deleted; a counter may be listed more than once: its last count is the one).
local now = tonumber(ARGV[1])
local head = redis.call('HMGET', KEYS[1], 'ea', 'st', 'qs:' .. ARGV[3])
if not head[1] or tonumber(head[1]) <= now then return 0 end
if not head[3] then return 3 end
-- A state written before questions said whether they allow a change has no fourth field.
local status, round, closes_at, change = string.match(head[3], '^(%S+) (%d+) (%d+) ?(%d?)$')
if status == 'draft' then return 3 end
-- A deadline closes the question as of then, whether or not a read has settled it yet.
local closes = tonumber(closes_at)
if head[2] ~= 'live' or status ~= 'open' or (closes > 0 and now >= closes) then return 1 end
if ARGV[7] ~= '' and tonumber(ARGV[7]) ~= tonumber(round) then return {4, tonumber(round)} end
local prefix = ARGV[3] .. ':' .. round
local field = prefix .. ':' .. ARGV[4]
local touched = {}
local total = nil  -- set here by a change of answer: the number of answers stays
if change == '1' then
  local old = redis.call('HGET', KEYS[3], field)
  local replaced = nil
  if old then
    local cut = string.find(old, '\n', 1, true)  -- compact JSON holds no raw line break
    if not cut then return 2 end  -- stored without its counters: it cannot be taken back
    replaced = cjson.decode(string.sub(old, cut + 1))  -- before any write: it may fail
  end
  redis.call('HSET', KEYS[3], field, ARGV[5] .. '\n' .. ARGV[8])
  if replaced then
    for _, name in ipairs(replaced) do
      local counter = prefix .. ':' .. name
      local left = redis.call('HINCRBY', KEYS[2], counter, -1)
      if left <= 0 then
        redis.call('HDEL', KEYS[2], counter)
        left = 0
      end
      touched[#touched + 1] = name
      touched[#touched + 1] = left
    end
    total = tonumber(redis.call('HGET', KEYS[2], prefix) or 1)
  end
elseif redis.call('HSETNX', KEYS[3], field, ARGV[5]) == 0 then
  return 2
end
if not total then  -- a first answer in the round
  local mine = 'a:' .. ARGV[4]
  local answered = redis.call('HGET', KEYS[3], mine)
  redis.call('HSET', KEYS[3], mine, answered and (answered .. ' ' .. prefix) or prefix)
  total = redis.call('HINCRBY', KEYS[2], prefix, 1)
end
for i = 9, #ARGV do
  touched[#touched + 1] = ARGV[i]
  touched[#touched + 1] = redis.call('HINCRBY', KEYS[2], prefix .. ':' .. ARGV[i], 1)
end
local v = redis.call('HINCRBY', KEYS[1], 'v', 1)
redis.call('PEXPIREAT', KEYS[2], head[1])
redis.call('PEXPIREAT', KEYS[3], head[1])
local message = v .. ' a ' .. cjson.encode(
  {q = ARGV[3], r = tonumber(round), p = ARGV[6], n = total, c = touched})
redis.call(ARGV[2], KEYS[4], message)
return message
