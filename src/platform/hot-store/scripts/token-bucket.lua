-- Token bucket. KEYS[1] = bucket hash; ARGV[1] = tokens per second, ARGV[2] = burst,
-- ARGV[3] = cost (0 = only check that one token is available).
-- Returns {allowed (0|1), retry after in ms}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
local need = math.max(cost, 1)
local allowed = 0
local retry = 0
if tokens >= need then
  allowed = 1
  tokens = tokens - cost
else
  retry = math.ceil((need - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, retry}
