-- What the hot store holds for a sale, read at one instant: {exists, remaining, in flight,
-- then purchase id and quantity of every entry a worker holds unacknowledged}.
-- KEYS[1] sale state, KEYS[2] purchase stream.
local s = redis.call('HMGET', KEYS[1], 'remaining', 'inflight')
if not s[1] then
  return {0, 0, 0}
end
local out = {1, tonumber(s[1]), tonumber(s[2])}
if redis.call('EXISTS', KEYS[2]) == 1 then
  for _, p in ipairs(redis.call('XPENDING', KEYS[2], 'drain', '-', '+', 1000000)) do
    local e = redis.call('XRANGE', KEYS[2], p[1], p[1])[1]
    if e then
      local f = e[2]
      local m = {}
      for j = 1, #f, 2 do
        m[f[j]] = f[j + 1]
      end
      out[#out + 1] = m.p
      out[#out + 1] = tonumber(m.q)
    end
  end
end
return out
