-- Every entry with its upvotes, of one moment (qa_common.lua's keys; the first four are
-- enough). ARGV: now.
-- Returns 0 (no such event, or expired), else {version ('' for none yet), the pinned
-- entry ('' for none), the entries (flat: id, stored entry, …), their counts (flat)}.
if not live_until(KEYS[1], tonumber(ARGV[1])) then return 0 end
local state = redis.call('HMGET', KEYS[2], 'v', 'p')
return {state[1] or '', state[2] or '', redis.call('HGETALL', KEYS[3]),
  redis.call('HGETALL', KEYS[4])}
