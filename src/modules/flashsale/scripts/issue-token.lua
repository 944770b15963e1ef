-- An order token: at most one live per user and sale (asking again returns it), and no more
-- issued in all than the sale's quantity times a multiple.
-- KEYS[1] sale state, KEYS[2] the user's token. ARGV: new token, time to live (ms), multiple, now (ms).
-- Returns {code, token, ms left}: code 0 issued or existing, 1 no hot state, 5 ended, 7 none left.
local s = redis.call('HMGET', KEYS[1], 'quantity', 'tokens', 'ended', 'endsAt')
if not s[1] then
  return {1, '', 0}
end
if s[3] == '1' or tonumber(ARGV[4]) >= tonumber(s[4]) then
  return {5, '', 0}
end
local existing = redis.call('GET', KEYS[2])
if existing then
  return {0, existing, redis.call('PTTL', KEYS[2])}
end
if tonumber(s[2] or '0') >= tonumber(s[1]) * tonumber(ARGV[3]) then
  return {7, '', 0}
end
redis.call('HINCRBY', KEYS[1], 'tokens', 1)
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {0, ARGV[1], tonumber(ARGV[2])}
