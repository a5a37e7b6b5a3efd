-- A participant's nickname, unique by its key in the event, claimed and set in one step.
-- KEYS: the event's hash, its nicknames (participant -> "<bytes in key> <key><shown>":
-- the key's length first, so neither part needs a separator it cannot hold), the owners
-- of its keys (key -> participant), the event's responses (whose "a:" .. participant
-- field lists the "<questionId>:<round>" they have answered, written by the answer
-- script in the step that stores the answer). ARGV: now, participant key, nickname key,
-- shown form, then the ids of the questions an answer to which (in any round) fixes the
-- participant's name.
-- Returns 0 (no such event, or expired), 1 (the event has ended), 2 (another participant
-- holds the key: nothing changes), 3 (set; the participant's previous key, if it was
-- another, is free now), or 4 (the participant has answered one of those questions:
-- nothing changes). Both hashes expire with the event (event_change.lua moves them
-- along with its expiresAt, event_expire.lua deletes them with it).
local now = tonumber(ARGV[1])
local head = redis.call('HMGET', KEYS[1], 'ea', 'st')
if not head[1] or tonumber(head[1]) <= now then return 0 end
if head[2] ~= 'live' then return 1 end
if #ARGV > 4 then
  local answered = redis.call('HGET', KEYS[4], 'a:' .. ARGV[2])
  if answered then
    local locked = {}
    for i = 5, #ARGV do locked[ARGV[i]] = true end
    for question in string.gmatch(answered, '(%S+):%d+') do
      if locked[question] then return 4 end
    end
  end
end
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
