-- Creates a sale's hot state if it is absent (the last step of warming or rebuilding).
-- Purchases still in the stream are in flight: they are counted and not offered again.
-- KEYS[1] sale state, KEYS[2] purchase stream.
-- ARGV: remaining (per the database), quantity, startsAt, endsAt, per-user limit, ended,
-- requires token, seller id. Returns 1 when created.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
pcall(redis.call, 'XGROUP', 'CREATE', KEYS[2], 'drain', '0', 'MKSTREAM')
local inflight = 0
for _, e in ipairs(redis.call('XRANGE', KEYS[2], '-', '+')) do
  local f = e[2]
  for j = 1, #f, 2 do
    if f[j] == 'q' then
      inflight = inflight + tonumber(f[j + 1])
    end
  end
end
redis.call('HSET', KEYS[1], 'remaining', math.max(0, tonumber(ARGV[1]) - inflight), 'inflight', inflight,
  'quantity', ARGV[2], 'startsAt', ARGV[3], 'endsAt', ARGV[4], 'limit', ARGV[5], 'ended', ARGV[6],
  'token', ARGV[7], 'seller', ARGV[8], 'tokens', 0)
return 1
