-- Rebuilding a sale's hot state: fills one of its hashes, but only while the state itself
-- is absent (once it exists, admissions own these counters).
-- KEYS[1] sale state, KEYS[2] the hash; ARGV field, value pairs. Returns 1 when written.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[2], unpack(ARGV))
return 1
