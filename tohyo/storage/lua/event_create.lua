-- KEYS: the event's three keys. ARGV: expiresAt, then field, value, ... of the event hash.
-- Returns 1, or 0 if the id is taken.
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1
