/*
 * Lua for RedisMessageBuffer. Every script gets the key prefix as ARGV[1] and builds a
 * recipient's keys from their operator name (never from anything a message carries):
 *   P..'q:'..name..':seq'    ZSET message id -> sequence number (the order of the queue)
 *   P..'q:'..name..':exp'    ZSET message id -> expiry, ms since the epoch
 *   P..'q:'..name..':msg'    HASH message id -> '<bytes>:<json>' (the body lives only in here)
 *   P..'q:'..name..':pushed' SET  ids pushed to a connection at least once
 *   P..'q:'..name..':bytes'  body bytes held for the recipient
 *   P..'seq'   the one sequence counter   P..'bytes'   body bytes held in all
 *   P..'queues' ZSET recipient -> earliest expiry in their queue, for expire()
 * Keys are built in the scripts, so this needs a single Redis, not a cluster. Replies are
 * tables written as constructors (`{unpack(out)}`): ioredis-mock mangles tables built by
 * assignment. Sequence numbers (near 2^50) stay strings inside Lua: Redis's Lua
 * prints numbers with 14 significant digits, and ioredis-mock's has 32-bit integers.
 */
const PRELUDE = `
local P = ARGV[1]
local function qkeys(name)
  local q = P .. 'q:' .. name .. ':'
  return q .. 'seq', q .. 'exp', q .. 'msg', q .. 'pushed', q .. 'bytes'
end
local function drop(name, id)
  local seqK, expK, msgK, pushedK, bytesK = qkeys(name)
  local record = redis.call('HGET', msgK, id)
  if not record then return nil end
  local bytes = string.match(record, '^(%d+):')
  redis.call('ZREM', seqK, id)
  redis.call('ZREM', expK, id)
  redis.call('HDEL', msgK, id)
  redis.call('SREM', pushedK, id)
  redis.call('DECRBY', bytesK, bytes)
  redis.call('DECRBY', P .. 'bytes', bytes)
  return record
end
local function settle(name)
  local seqK, expK, msgK, pushedK, bytesK = qkeys(name)
  local head = redis.call('ZRANGE', expK, 0, 0, 'WITHSCORES')
  if head[2] then
    redis.call('ZADD', P .. 'queues', head[2], name)
  else
    redis.call('DEL', seqK, expK, msgK, pushedK, bytesK)
    redis.call('ZREM', P .. 'queues', name)
  end
end
local function expireQueue(name, now)
  local _, expK = qkeys(name)
  local ids = redis.call('ZRANGEBYSCORE', expK, '-inf', now)
  for i = 1, #ids do drop(name, ids[i]) end
  return #ids
end
`;

/**
 * ARGV: prefix, name, id, bytes, expiresAt, now, json, maxMessages, maxBytes, maxTotal, seqFloor.
 * Returns the new sequence number as text, or 0 when a limit refuses the message. After Redis
 * lost its data (a restart without persistence) the counter restarts from seqFloor (derived from
 * the clock), so connected sessions never see a number they have already pushed past.
 */
export const ENQUEUE = `${PRELUDE}
local name, id, bytes = ARGV[2], ARGV[3], tonumber(ARGV[4])
expireQueue(name, ARGV[6])
local seqK, expK, msgK, pushedK, bytesK = qkeys(name)
local count = redis.call('ZCARD', seqK)
local held = tonumber(redis.call('GET', bytesK) or '0')
local total = tonumber(redis.call('GET', P .. 'bytes') or '0')
if count + 1 > tonumber(ARGV[8]) or held + bytes > tonumber(ARGV[9]) or total + bytes > tonumber(ARGV[10]) then
  settle(name)
  return 0
end
if redis.call('EXISTS', P .. 'seq') == 0 then redis.call('SET', P .. 'seq', ARGV[11]) end
redis.call('INCR', P .. 'seq')
local seq = redis.call('GET', P .. 'seq')
redis.call('ZADD', seqK, seq, id)
redis.call('ZADD', expK, ARGV[5], id)
redis.call('HSET', msgK, id, ARGV[4] .. ':' .. ARGV[7])
redis.call('INCRBY', bytesK, ARGV[4])
redis.call('INCRBY', P .. 'bytes', ARGV[4])
settle(name)
return seq
`;

/**
 * ARGV: prefix, name, afterSeq, max, now. Returns id, seq, pushed-before ('1'/'0'), record,
 * repeated, oldest first; marks each as pushed.
 */
export const TAKE = `${PRELUDE}
local name = ARGV[2]
expireQueue(name, ARGV[5])
local seqK, expK, msgK, pushedK = qkeys(name)
local found = redis.call('ZRANGEBYSCORE', seqK, '(' .. ARGV[3], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for i = 1, #found, 2 do
  local id = found[i]
  out[#out + 1] = id
  out[#out + 1] = found[i + 1]
  if redis.call('SADD', pushedK, id) == 0 then out[#out + 1] = '1' else out[#out + 1] = '0' end
  out[#out + 1] = redis.call('HGET', msgK, id)
end
settle(name)
return {unpack(out)}
`;

/** ARGV: prefix, name, ids… Returns id, record, repeated, for the ids that were queued. */
export const ACKNOWLEDGE = `${PRELUDE}
local name = ARGV[2]
local out = {}
for i = 3, #ARGV do
  local record = drop(name, ARGV[i])
  if record then
    out[#out + 1] = ARGV[i]
    out[#out + 1] = record
  end
end
settle(name)
return {unpack(out)}
`;

/** ARGV: prefix, now, max recipients. Returns {messages dropped, recipients visited}. */
export const EXPIRE = `${PRELUDE}
local names = redis.call('ZRANGEBYSCORE', P .. 'queues', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local dropped = 0
for i = 1, #names do
  dropped = dropped + expireQueue(names[i], ARGV[2])
  settle(names[i])
end
return {dropped, #names}
`;
