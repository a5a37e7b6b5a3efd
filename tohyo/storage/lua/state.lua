-- Shared by every script (prepended to each). A session is ONE hash, so nothing (expiry,
-- eviction, a partial restore) can ever keep half of it:
--   definition: q (question), t (vote type), ch (choice texts, JSON), n (number of choices),
--               ca (createdAt ms), ea (expiresAt ms), hk (host key hash)
--   state:      v (version), st (active|closed), cl (closedAt ms, 0 while open),
--               tv (total ballots), vis (who sees the counts), dl (deadline ms, 0: none),
--               c1..cn (count per choice)
--   ballots:    one field per voter, "b:" .. voter key -> "votedAt:id,id"
-- Its changes go out on a channel. Key and channel carry the hash tag {sessionId}, so on a
-- Cluster one shard owns both.

-- The state as one line, "v st cl tv vis dl c1 .. cn": the reply to callers and the
-- message to every process watching the session (absolute values, so a lost message
-- heals itself).
local function state(key)
  local fields = {'v', 'st', 'cl', 'tv', 'vis', 'dl'}
  for i = 1, tonumber(redis.call('HGET', key, 'n')) do fields[i + 6] = 'c' .. i end
  local values = redis.call('HMGET', key, unpack(fields))
  -- Sessions stored before visibility and deadlines existed have neither field.
  values[5] = values[5] or 'after_vote'
  values[6] = values[6] or '0'
  return table.concat(values, ' ')
end

-- Past its deadline an open session is closed, as of the deadline, and that change is
-- published like a host's close (domain.close_if_due). Every script that touches a
-- session calls this first.
local function settle(key, now, channel, publish)
  local head = redis.call('HMGET', key, 'st', 'dl')
  local deadline = tonumber(head[2] or '0') or 0
  if head[1] == 'active' and deadline > 0 and now >= deadline then
    redis.call('HSET', key, 'st', 'closed', 'cl', head[2])
    redis.call('HINCRBY', key, 'v', 1)
    redis.call(publish, channel, state(key))
  end
end

-- expiresAt of a session that exists and whose time is not up at `now`, else nil. The
-- caller's clock decides, exactly as on the other backends; PEXPIREAT only cleans up.
local function live(key, now)
  local ea = redis.call('HGET', key, 'ea')
  if ea and tonumber(ea) > now then return ea end
  return nil
end
