-- KEYS: the event's three keys. ARGV: now, the participant's answered field ("a:" ..
-- participant key, '' for none).
-- Returns 0 if missing or expired, else {doc, rev, v, tallies (flat), answered ('' none)}.
if not live_until(KEYS[1], tonumber(ARGV[1])) then return 0 end
local head = redis.call('HMGET', KEYS[1], 'doc', 'rev', 'v')
local answered = false
if ARGV[2] ~= '' then answered = redis.call('HGET', KEYS[3], ARGV[2]) end
return {head[1], head[2], head[3], redis.call('HGETALL', KEYS[2]), answered or ''}
