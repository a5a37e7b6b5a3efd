-- KEYS: session, channel. ARGV: now, publish command.
-- Returns 0 if missing or expired, else {1 if this call closed it, state line}.
local now = tonumber(ARGV[1])
if not live(KEYS[1], now) then return 0 end
settle(KEYS[1], now, KEYS[2], ARGV[2])
if redis.call('HGET', KEYS[1], 'st') ~= 'active' then return {0, state(KEYS[1])} end
redis.call('HSET', KEYS[1], 'st', 'closed', 'cl', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'v', 1)
local line = state(KEYS[1])
redis.call(ARGV[2], KEYS[2], line)
return {1, line}
