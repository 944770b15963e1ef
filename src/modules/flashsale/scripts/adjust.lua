-- The reconciler repairs drift: remaining += delta, never below zero.
-- KEYS[1] sale state; ARGV[1] delta. Returns the delta applied (nil state: 0).
local r = redis.call('HGET', KEYS[1], 'remaining')
if not r then
  return 0
end
local now = tonumber(r)
local next = math.max(0, now + tonumber(ARGV[1]))
redis.call('HSET', KEYS[1], 'remaining', next)
return next - now
