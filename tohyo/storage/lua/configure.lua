-- KEYS: session, channel. ARGV: now, publish command, visibility ('' to keep), deadline
-- ('' to keep). Returns 0 if missing or expired, 1 if a deadline is asked of a closed
-- session, else {1 if anything changed, state line}.
local now = tonumber(ARGV[1])
if not live(KEYS[1], now) then return 0 end
settle(KEYS[1], now, KEYS[2], ARGV[2])
local head = redis.call('HMGET', KEYS[1], 'st', 'vis', 'dl')
local changed = false
if ARGV[4] ~= '' and ARGV[4] ~= head[3] then
  if head[1] ~= 'active' then return 1 end
  redis.call('HSET', KEYS[1], 'dl', ARGV[4])
  changed = true
end
if ARGV[3] ~= '' and ARGV[3] ~= head[2] then
  redis.call('HSET', KEYS[1], 'vis', ARGV[3])
  changed = true
end
if not changed then return {0, state(KEYS[1])} end
redis.call('HINCRBY', KEYS[1], 'v', 1)
local line = state(KEYS[1])
redis.call(ARGV[2], KEYS[2], line)
return {1, line}
