-- A participant's upvote of an entry given (only to one shown to everyone) or taken back
-- (qa_common.lua's keys). One per (entry, participant): the set's SADD decides it.
-- ARGV: now, entryId, participant key, '1' to give it or '0' to take it back.
-- Returns 0 (no such event, or expired), 1 (ended), 2 (no such entry), 3 (given
-- already), 4 (the entry is not shown to everyone), else {its upvotes after, 1 if
-- anything changed else 0} (taking back one not given changes nothing, not the version).
local ea, refused = qa_taking(tonumber(ARGV[1]))
if not ea then return refused end
local id, participant = ARGV[2], ARGV[3]
local entry = redis.call('HGET', KEYS[3], id)
if not entry then return 2 end
local member = id .. ' ' .. participant
local mine = redis.call('HGET', KEYS[7], participant) or ' '
local count
if ARGV[4] == '1' then
  local status = string.match(entry, '^(%S+)')
  if status ~= 'approved' and status ~= 'answered' then
    -- One given while it was shown is given still: that answer comes first.
    if redis.call('SISMEMBER', KEYS[6], member) == 1 then return 3 end
    return 4
  end
  if redis.call('SADD', KEYS[6], member) == 0 then return 3 end
  count = redis.call('HINCRBY', KEYS[4], id, 1)
  redis.call('HSET', KEYS[7], participant, mine .. id .. ' ')
else
  if redis.call('SREM', KEYS[6], member) == 0 then
    return {tonumber(redis.call('HGET', KEYS[4], id) or 0), 0}
  end
  count = redis.call('HINCRBY', KEYS[4], id, -1)
  if count <= 0 then redis.call('HDEL', KEYS[4], id) end
  local left = string.gsub(mine, ' ' .. id .. ' ', ' ', 1)  -- ids hold no pattern magic
  if left == ' ' then
    redis.call('HDEL', KEYS[7], participant)
  else
    redis.call('HSET', KEYS[7], participant, left)
  end
end
redis.call('HINCRBY', KEYS[2], 'v', 1)
qa_follow(ea, 2, 4, 6, 7)
return {count, 1}
