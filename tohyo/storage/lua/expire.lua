-- KEYS: session. ARGV: now. Deletes the session unless it is still live.
-- Returns 1 if the session is gone now, 0 if it lives on.
if live(KEYS[1], tonumber(ARGV[1])) then return 0 end
redis.call('DEL', KEYS[1])
return 1
