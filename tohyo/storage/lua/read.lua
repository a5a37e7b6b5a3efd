-- KEYS: session, channel. ARGV: now, voter field ('' for none), '1' to include the
-- definition, publish command.
-- Returns 0 if missing or expired, else {ballot, state[, q, t, ch, ca, ea, hk]}: ballot is
-- the voter's "votedAt:id,id", or '' when it has none (or no voter was named).
local now = tonumber(ARGV[1])
if not live(KEYS[1], now) then return 0 end
settle(KEYS[1], now, KEYS[2], ARGV[4])
local ballot = ''
if ARGV[2] ~= '' then ballot = redis.call('HGET', KEYS[1], ARGV[2]) or '' end
local reply = {ballot, state(KEYS[1])}
if ARGV[3] == '1' then
  local definition = redis.call('HMGET', KEYS[1], 'q', 't', 'ch', 'ca', 'ea', 'hk')
  for i = 1, #definition do reply[i + 2] = definition[i] end
end
return reply
