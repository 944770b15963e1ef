-- Changes a sale's window or ends it, when its hot state exists. KEYS[1] sale state;
-- ARGV startsAt, endsAt, ended (0|1). Returns 1 when changed.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'startsAt', ARGV[1], 'endsAt', ARGV[2], 'ended', ARGV[3])
return 1
