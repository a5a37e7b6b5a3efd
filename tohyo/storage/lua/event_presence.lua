-- KEYS: the event's presence hash (a field per process: "<count> <nowMs>"). ARGV: this
-- process's token, its count, now (ms), how long a count stays fresh (ms).
-- Returns the sum of the fresh counts, this one's included. A process that stops saying
-- its count (killed, or no viewers any more) lapses: its field is deleted once stale, and
-- the whole hash once no process has spoken for as long.
local now, fresh = tonumber(ARGV[3]), tonumber(ARGV[4])
if ARGV[2] == '0' then
  redis.call('HDEL', KEYS[1], ARGV[1])  -- nobody here: nothing to keep
else
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
end
local total = 0
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local count, at = string.match(fields[i + 1], '^(%d+) (%d+)$')
  if count and now - tonumber(at) < fresh then
    total = total + tonumber(count)
  else
    redis.call('HDEL', KEYS[1], fields[i])
  end
end
redis.call('PEXPIRE', KEYS[1], fresh)
return total
