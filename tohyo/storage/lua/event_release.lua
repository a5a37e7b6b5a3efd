-- KEYS: a join code's key. ARGV: the event id. Deletes the code only if it still names
-- this event (it may have expired and been taken by another since). Returns 1 if deleted.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
