-- A settled sale's hot keys are kept a while (refusals stay cheap), then dropped.
-- KEYS: every key of the sale; ARGV[1] time to live (ms).
for _, key in ipairs(KEYS) do
  redis.call('PEXPIRE', key, ARGV[1])
end
return 1
