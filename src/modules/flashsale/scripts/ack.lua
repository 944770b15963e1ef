-- After its batch committed, a drain worker acknowledges the purchases. Only the first
-- acknowledgement of an entry counts (XACK answers 1 once): it leaves the in-flight count,
-- and a failed purchase gives its quantity back to the sale and to its buyer's limit.
-- KEYS[1] sale state, KEYS[2] quantity per user, KEYS[3] purchase stream, KEYS[4] queued purchases.
-- ARGV, per entry: entry id, purchase id, user id, quantity, failed (0|1).
-- Returns {quantity acknowledged, quantity given back}.
local done = 0
local back = 0
for a = 1, #ARGV, 5 do
  if redis.call('XACK', KEYS[3], 'drain', ARGV[a]) == 1 then
    local q = tonumber(ARGV[a + 3])
    done = done + q
    if ARGV[a + 4] == '1' then
      back = back + q
      redis.call('HINCRBY', KEYS[2], ARGV[a + 2], -q)
    end
  end
  redis.call('XDEL', KEYS[3], ARGV[a])
  redis.call('HDEL', KEYS[4], ARGV[a + 1])
end
if done > 0 then
  redis.call('HINCRBY', KEYS[1], 'inflight', -done)
end
if back > 0 then
  redis.call('HINCRBY', KEYS[1], 'remaining', back)
end
return {done, back}
