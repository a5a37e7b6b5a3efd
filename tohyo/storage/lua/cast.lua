-- KEYS: session, channel. ARGV: now, voter field ("b:" .. voter key), ballot
-- ("votedAt:id,id"), publish command (PUBLISH, or SPUBLISH on a Cluster), then the chosen
-- choice ids, validated against the definition by the caller.
-- Returns 0 (not found), 1 (closed), 2 (already voted), or the new state line.
local now = tonumber(ARGV[1])
if not live(KEYS[1], now) then return 0 end
settle(KEYS[1], now, KEYS[2], ARGV[4])
if redis.call('HGET', KEYS[1], 'st') ~= 'active' then return 1 end
if redis.call('HSETNX', KEYS[1], ARGV[2], ARGV[3]) == 0 then return 2 end
for i = 5, #ARGV do redis.call('HINCRBY', KEYS[1], 'c' .. ARGV[i], 1) end
redis.call('HINCRBY', KEYS[1], 'tv', 1)
redis.call('HINCRBY', KEYS[1], 'v', 1)
local line = state(KEYS[1])
redis.call(ARGV[4], KEYS[2], line)
return line
