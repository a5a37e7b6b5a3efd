-- The host's moderation of one entry (qa_common.lua's keys): domain.qa.moderate, the
-- same rule step for step (tests/test_qa_storage.py runs both through the same cases):
--   approve   status approved, answeredAt cleared;
--   hide      status hidden, and unpinned if it was the pinned one;
--   answered  status answered, answeredAt now, and unpinned if it was;
--   pin       unless answered: status approved, answeredAt cleared; the pinned entry
--             is this one;
--   unpin     nothing pinned, if this one was.
-- An action that changes nothing writes nothing, and moves no version.
-- ARGV: now, entryId, the action.
-- Returns 0 (no such event, or expired), 1 (ended), 2 (no such entry), else {the entry
-- as stored after it, its upvotes, 1 if anything changed else 0}.
local ea, refused = qa_taking(tonumber(ARGV[1]))
if not ea then return refused end
local id, action = ARGV[2], ARGV[3]
local entry = redis.call('HGET', KEYS[3], id)
if not entry then return 2 end
local status, answered, rest = string.match(entry, '^(%S+) (%S+) (.*)$')
local pinned = redis.call('HGET', KEYS[2], 'p')  -- false for none
local was = pinned
local function unpin()
  if pinned == id then pinned = false end
end
local after_status, after_answered = status, answered
if action == 'approve' then
  after_status, after_answered = 'approved', '-'
elseif action == 'hide' then
  after_status = 'hidden'
  unpin()
elseif action == 'answered' then
  after_status, after_answered = 'answered', ARGV[1]
  unpin()
elseif action == 'pin' then
  if status ~= 'answered' then after_status, after_answered = 'approved', '-' end
  pinned = id
elseif action == 'unpin' then
  unpin()
else
  return redis.error_reply('no such moderation: ' .. action)
end
local count = tonumber(redis.call('HGET', KEYS[4], id) or 0)
if after_status == status and after_answered == answered and pinned == was then
  return {entry, count, 0}
end
local stored = after_status .. ' ' .. after_answered .. ' ' .. rest
redis.call('HSET', KEYS[3], id, stored)
if pinned then
  redis.call('HSET', KEYS[2], 'p', pinned)
else
  redis.call('HDEL', KEYS[2], 'p')
end
redis.call('HINCRBY', KEYS[2], 'v', 1)
qa_follow(ea, 2, 3)
return {stored, count, 1}
