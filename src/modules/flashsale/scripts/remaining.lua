-- The quantity a sale can still admit; -1 when its hot state is absent. KEYS[1] sale state.
local r = redis.call('HGET', KEYS[1], 'remaining')
if not r then
  return -1
end
return tonumber(r)
