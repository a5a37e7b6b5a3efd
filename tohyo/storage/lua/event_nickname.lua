-- A participant's nickname, unique by its key in the event, claimed and set in one step.
-- KEYS: the event's hash, its nicknames (participant -> "<bytes in key> <key><shown>":
-- the key's length first, so neither part needs a separator it cannot hold), the owners
-- of its keys (key -> participant). ARGV: now, participant key, nickname key, shown form.
-- Returns 0 (no such event, or expired), 1 (the event has ended), 2 (another participant
-- holds the key: nothing changes), or 3 (set; the participant's previous key, if it was
-- another, is free now). Both hashes expire with the event (event_change.lua moves them
-- along with its expiresAt, event_expire.lua deletes them with it).
local now = tonumber(ARGV[1])
local head = redis.call('HMGET', KEYS[1], 'ea', 'st')
if not head[1] or tonumber(head[1]) <= now then return 0 end
if head[2] ~= 'live' then return 1 end
local owner = redis.call('HGET', KEYS[3], ARGV[3])
if owner and owner ~= ARGV[2] then return 2 end
local held = redis.call('HGET', KEYS[2], ARGV[2])
if held then
  local length, rest = string.match(held, '^(%d+) (.*)$')
  local previous = string.sub(rest, 1, tonumber(length))
  if previous ~= ARGV[3] then redis.call('HDEL', KEYS[3], previous) end
end
redis.call('HSET', KEYS[2], ARGV[2], #ARGV[3] .. ' ' .. ARGV[3] .. ARGV[4])
redis.call('HSET', KEYS[3], ARGV[3], ARGV[2])
redis.call('PEXPIREAT', KEYS[2], head[1])
redis.call('PEXPIREAT', KEYS[3], head[1])
return 3
