/*
 * Lua for the limits that hold across instances. ARGV[1] is the key prefix; a key holds only an
 * operator name, a value only counts and times (no password, no hash, no address). Times are ms
 * since the epoch: 13 digits, within the 14 significant digits Redis's Lua prints.
 */

/**
 * RedisThrottleStore.startAttempt. ARGV: prefix, key, now, blockedUntil if it starts,
 * expiresAt. The record is 'failures:blockedUntil:verifying'. Returns {started, record replaced
 * or found ('' when none)}.
 */
export const START_ATTEMPT = `
local key = ARGV[1] .. 'throttle:' .. ARGV[2]
local record = redis.call('GET', key)
local failures = 0
if record then
  local f, blocked = string.match(record, '^(%d+):(%d+):')
  if tonumber(ARGV[3]) < tonumber(blocked) then return {0, record} end
  failures = tonumber(f)
else
  record = ''
end
redis.call('SET', key, (failures + 1) .. ':' .. ARGV[4] .. ':1')
redis.call('PEXPIREAT', key, ARGV[5])
return {1, record}
`;

/**
 * RedisSenderBuckets, the token bucket of takeSendToken (src/domain/send-rate.ts) for many
 * sends at once. ARGV: prefix, rate, now, then the senders' names. A bucket is a hash {tokens,
 * at}; one untouched for longer than it takes to refill is full, so it expires then. Returns,
 * per name, the wait in ms as text (0 when the send may go).
 */
export const TAKE_SEND_TOKENS = `
local rate, now = tonumber(ARGV[2]), tonumber(ARGV[3])
local capacity = rate * 2
local out = {}
for i = 4, #ARGV do
  local key = ARGV[1] .. 'sendrate:' .. ARGV[i]
  local bucket = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = capacity
  if type(bucket[1]) == 'string' then
    -- Instances' clocks differ a little: time never runs backwards for a bucket.
    tokens = math.min(capacity, tonumber(bucket[1]) + math.max(0, now - tonumber(bucket[2])) * rate / 1000)
  end
  local wait = 0
  if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) * 1000 / rate end
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', ARGV[3])
  redis.call('PEXPIRE', key, math.ceil((capacity - tokens) * 1000 / rate) + 1000)
  out[#out + 1] = tostring(wait)
end
return {unpack(out)}
`;
