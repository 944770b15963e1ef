-- Quantity of cancelled, expired or refunded orders goes back to the sale, once per order
-- (HSETNX on the order id), and no longer counts toward its buyer's limit.
-- KEYS[1] sale state, KEYS[2] quantity per user, KEYS[3] orders given back.
-- ARGV, per order: order id, user id, quantity. Returns the quantity given back now.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local back = 0
for a = 1, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[3], ARGV[a], '1') == 1 then
    local q = tonumber(ARGV[a + 2])
    back = back + q
    redis.call('HINCRBY', KEYS[2], ARGV[a + 1], -q)
  end
end
if back > 0 then
  redis.call('HINCRBY', KEYS[1], 'remaining', back)
end
return back
