-- Flash-sale admission for a group of purchases of one sale, each decided in turn.
-- KEYS[1] sale state (hash), KEYS[2] quantity per user (hash), KEYS[3] purchase stream,
-- KEYS[4] queued purchases (hash purchase id -> user id); then for purchase i:
-- KEYS[3 + 2i] its user's rate bucket and KEYS[4 + 2i] its user's order token.
-- ARGV[1] now (ms), ARGV[2] requests per second per user (0 = no limit), ARGV[3] burst;
-- then for each purchase: user id, quantity, purchase id, token ('' = none).
-- Returns, per purchase, a code and a number (the retry-after in ms for code 2), then the
-- quantity remaining. Codes: 0 queued, 1 no hot state, 2 rate limited, 3 token missing or
-- wrong, 4 not started, 5 ended, 6 over the per-user limit, 7 sold out, 8 the seller's own sale.
-- Taking the quantity and recording the purchase in the stream happen in this one script:
-- no crash can separate them.
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local count = (#ARGV - 3) / 4
local out = {}
local s = redis.call('HMGET', KEYS[1], 'remaining', 'startsAt', 'endsAt', 'limit', 'ended', 'token', 'seller')
if not s[1] then
  for i = 1, count do
    out[#out + 1] = 1
    out[#out + 1] = 0
  end
  out[#out + 1] = -1
  return out
end
local remaining = tonumber(s[1])
local startsAt = tonumber(s[2])
local endsAt = tonumber(s[3])
local limit = tonumber(s[4])
local ended = s[5] == '1'
local needToken = s[6] == '1'
local seller = s[7]
local taken = 0
for i = 1, count do
  local a = 3 + (i - 1) * 4
  local user = ARGV[a + 1]
  local qty = tonumber(ARGV[a + 2])
  local pid = ARGV[a + 3]
  local token = ARGV[a + 4]
  local bucket = KEYS[3 + 2 * i]
  local tokenKey = KEYS[4 + 2 * i]
  local code = 0
  local extra = 0
  if rate > 0 then
    local b = redis.call('HMGET', bucket, 'tokens', 'ts')
    local tokens = tonumber(b[1]) or burst
    local ts = tonumber(b[2]) or now
    tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
    if tokens >= 1 then
      tokens = tokens - 1
    else
      code = 2
      extra = math.ceil((1 - tokens) * 1000 / rate)
    end
    redis.call('HSET', bucket, 'tokens', tostring(tokens), 'ts', tostring(now))
    redis.call('PEXPIRE', bucket, math.ceil(burst * 1000 / rate) + 1000)
  end
  if code == 0 then
    if ended or now >= endsAt then
      code = 5
    elseif now < startsAt then
      code = 4
    elseif user == seller then
      code = 8
    elseif needToken and (token == '' or redis.call('GET', tokenKey) ~= token) then
      code = 3
    else
      local had = tonumber(redis.call('HGET', KEYS[2], user) or '0')
      if had + qty > limit then
        code = 6
      elseif remaining < qty then
        code = 7
      else
        remaining = remaining - qty
        taken = taken + qty
        redis.call('HINCRBY', KEYS[2], user, qty)
        redis.call('XADD', KEYS[3], '*', 'p', pid, 'u', user, 'q', qty, 't', now)
        redis.call('HSET', KEYS[4], pid, user)
        if needToken then
          redis.call('DEL', tokenKey)
        end
      end
    end
  end
  out[#out + 1] = code
  out[#out + 1] = extra
end
if taken > 0 then
  redis.call('HINCRBY', KEYS[1], 'remaining', -taken)
  redis.call('HINCRBY', KEYS[1], 'inflight', taken)
end
out[#out + 1] = remaining
return out
