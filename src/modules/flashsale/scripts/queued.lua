-- The buyer of a purchase still queued in the stream (nil once decided). KEYS[1] queued purchases; ARGV[1] purchase id.
return redis.call('HGET', KEYS[1], ARGV[1])
