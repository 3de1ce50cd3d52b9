/*
 * Lua for RedisPresence. ARGV[1] is the key prefix. P..'presence:'..name holds the operator's
 * connection id and expires unless its instance renews it; P..'online' is the set of names
 * that may have such a key (a name whose key expired is pruned when next listed).
 */

/** ARGV: prefix, name, connection, ttlMs. Returns the connection replaced, if any. */
export const CLAIM = `
local key = ARGV[1] .. 'presence:' .. ARGV[2]
local previous = redis.call('GET', key)
redis.call('SET', key, ARGV[3], 'PX', ARGV[4])
redis.call('SADD', ARGV[1] .. 'online', ARGV[2])
return previous
`;

/** ARGV: prefix, name, connection. Forgets the operator only while that connection holds it. */
export const RELEASE = `
local key = ARGV[1] .. 'presence:' .. ARGV[2]
if redis.call('GET', key) == ARGV[3] then
  redis.call('DEL', key)
  redis.call('SREM', ARGV[1] .. 'online', ARGV[2])
end
return 0
`;

/**
 * ARGV: prefix, ttlMs, name, connection, name, connection… Renews each session this instance
 * holds, and puts it back when it vanished (Redis restarted, or was out of reach past the
 * time-to-live), unless another connection has claimed the name meanwhile.
 */
export const RENEW = `
for i = 3, #ARGV, 2 do
  local key = ARGV[1] .. 'presence:' .. ARGV[i]
  local current = redis.call('GET', key)
  if not current or current == ARGV[i + 1] then
    redis.call('SET', key, ARGV[i + 1], 'PX', ARGV[2])
    redis.call('SADD', ARGV[1] .. 'online', ARGV[i])
  end
end
return 0
`;

/** ARGV: prefix. Returns the names whose session has not expired, unsorted. */
export const ONLINE = `
local names = redis.call('SMEMBERS', ARGV[1] .. 'online')
local out = {}
for i = 1, #names do
  if redis.call('EXISTS', ARGV[1] .. 'presence:' .. names[i]) == 1 then
    out[#out + 1] = names[i]
  else
    redis.call('SREM', ARGV[1] .. 'online', names[i])
  end
end
return {unpack(out)}
`;
