-- KEYS: the event's three keys, then those kept beside it (its nicknames, its Q&A's
-- keys). ARGV: now.
-- Deletes the event unless it is still live.
-- Returns 0 if the event is gone now, else its expiresAt (the sweeper indexes it again).
local ea = live_until(KEYS[1], tonumber(ARGV[1]))
if ea then return ea end
redis.call('DEL', unpack(KEYS))
return 0
