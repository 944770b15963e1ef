-- A drain worker takes purchases: first those another worker left unacknowledged for too
-- long (it died), then new ones. KEYS[1] purchase stream; ARGV[1] consumer name, ARGV[2] most
-- entries, ARGV[3] claim entries idle at least this long (ms; 0 = do not claim).
-- Returns for each entry: id, purchase id, user id, quantity, accepted at (ms).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {}
end
local out = {}
local count = tonumber(ARGV[2])
local function push(entries)
  for _, e in ipairs(entries) do
    local f = e[2]
    if f then
      local m = {}
      for j = 1, #f, 2 do
        m[f[j]] = f[j + 1]
      end
      out[#out + 1] = e[1]
      out[#out + 1] = m.p
      out[#out + 1] = m.u
      out[#out + 1] = m.q
      out[#out + 1] = m.t
    end
  end
end
if tonumber(ARGV[3]) > 0 then
  local claimed = redis.call('XAUTOCLAIM', KEYS[1], 'drain', ARGV[1], ARGV[3], '0-0', 'COUNT', count)
  push(claimed[2])
end
local got = #out / 5
if got < count then
  local read = redis.call('XREADGROUP', 'GROUP', 'drain', ARGV[1], 'COUNT', count - got, 'STREAMS', KEYS[1], '>')
  if read then
    push(read[1][2])
  end
end
return out
