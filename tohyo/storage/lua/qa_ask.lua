-- A new entry with the next entry id, if the event takes it (qa_common.lua's keys).
-- ARGV: now, the author's participant key, the entry's status, its JSON, QA_MAX (the
-- entries one event holds at most), QA_PER_PARTICIPANT (one author's at most).
-- Returns 0 (no such event, or expired), 1 (ended), 2 (the event holds QA_MAX), 3 (the
-- author has asked QA_PER_PARTICIPANT), else the new entry's id.
local ea, refused = qa_taking(tonumber(ARGV[1]))
if not ea then return refused end
local number = tonumber(redis.call('HGET', KEYS[2], 'n') or 1)
if number - 1 >= tonumber(ARGV[5]) then return 2 end
local asked = tonumber(redis.call('HGET', KEYS[5], ARGV[2]) or 0)
if asked >= tonumber(ARGV[6]) then return 3 end
local id = 'a' .. number
redis.call('HSET', KEYS[3], id, ARGV[3] .. ' - ' .. ARGV[4])
redis.call('HSET', KEYS[5], ARGV[2], asked + 1)
redis.call('HSET', KEYS[2], 'n', number + 1)
redis.call('HINCRBY', KEYS[2], 'v', 1)
qa_follow(ea, 2, 3, 5)
return id
