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
 * Many sends at once. ARGV: prefix, now, seqFloor, then for each message: name, id, bytes,
 * expiresAt, record, maxMessages, maxBytes, maxTotal. Returns, per message, its new sequence
 * number as text, or 0 when a limit refused it. After Redis lost its data (a restart without
 * persistence) the counter restarts from seqFloor (derived from the clock), so connected
 * sessions never see a number they have already pushed past. Each recipient's queue is
 * expired, counted and settled once per run, not once per message.
 */
export const ENQUEUE = `${PRELUDE}
local now = ARGV[2]
local queues, names = {}, {}
for i = 4, #ARGV, 8 do
  local name = ARGV[i]
  if not queues[name] then
    expireQueue(name, now)
    local seqK, _, _, _, bytesK = qkeys(name)
    queues[name] = { count = redis.call('ZCARD', seqK), held = tonumber(redis.call('GET', bytesK) or '0'), added = 0 }
    names[#names + 1] = name
  end
end
local total = tonumber(redis.call('GET', P .. 'bytes') or '0')
local added = 0
if redis.call('EXISTS', P .. 'seq') == 0 then redis.call('SET', P .. 'seq', ARGV[3]) end
local out = {}
for i = 4, #ARGV, 8 do
  local name, id, bytes = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local q = queues[name]
  if q.count + 1 > tonumber(ARGV[i + 5]) or q.held + bytes > tonumber(ARGV[i + 6]) or total + bytes > tonumber(ARGV[i + 7]) then
    out[#out + 1] = '0'
  else
    local seqK, expK, msgK = qkeys(name)
    redis.call('INCR', P .. 'seq')
    local seq = redis.call('GET', P .. 'seq')
    redis.call('ZADD', seqK, seq, id)
    redis.call('ZADD', expK, ARGV[i + 3], id)
    redis.call('HSET', msgK, id, ARGV[i + 2] .. ':' .. ARGV[i + 4])
    q.count, q.held, q.added = q.count + 1, q.held + bytes, q.added + bytes
    total, added = total + bytes, added + bytes
    out[#out + 1] = seq
  end
end
for _, name in ipairs(names) do
  if queues[name].added > 0 then
    local _, _, _, _, bytesK = qkeys(name)
    redis.call('INCRBY', bytesK, queues[name].added)
  end
  settle(name)
end
if added > 0 then redis.call('INCRBY', P .. 'bytes', added) end
return {unpack(out)}
`;

/**
 * Many takes at once. ARGV: prefix, now, then for each take: name, afterSeq, max. Returns, per
 * take, how many it found and then id, seq, pushed-before ('1'/'0'), record for each, oldest
 * first; marks each as pushed.
 */
export const TAKE = `${PRELUDE}
local now = ARGV[2]
local out = {}
for i = 3, #ARGV, 3 do
  local name = ARGV[i]
  if expireQueue(name, now) > 0 then settle(name) end
  local seqK, _, msgK, pushedK = qkeys(name)
  local found = redis.call('ZRANGEBYSCORE', seqK, '(' .. ARGV[i + 1], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[i + 2]))
  out[#out + 1] = math.floor(#found / 2)
  if #found > 0 then
    local ids = {}
    for j = 1, #found, 2 do ids[#ids + 1] = found[j] end
    local records = redis.call('HMGET', msgK, unpack(ids))
    for j = 1, #ids do
      out[#out + 1] = ids[j]
      out[#out + 1] = found[2 * j]
      if redis.call('SADD', pushedK, ids[j]) == 0 then out[#out + 1] = '1' else out[#out + 1] = '0' end
      out[#out + 1] = records[j]
    end
  end
end
return {unpack(out)}
`;

/**
 * Many acknowledgements at once. ARGV: prefix, then for each: name, how many ids, the ids.
 * Returns, per acknowledgement, how many were queued and then id, record for each of them.
 */
export const ACKNOWLEDGE = `${PRELUDE}
local out = {}
local freedAll = 0
local i = 2
while i <= #ARGV do
  local name, k = ARGV[i], tonumber(ARGV[i + 1])
  local seqK, expK, msgK, pushedK, bytesK = qkeys(name)
  local ids = {}
  for j = i + 2, i + 1 + k do ids[#ids + 1] = ARGV[j] end
  i = i + 2 + k
  local records = redis.call('HMGET', msgK, unpack(ids))
  local gone, seen, freed = {}, {}, 0
  local countAt = #out + 1
  out[countAt] = 0
  for j = 1, #ids do
    -- A missing id reads as false on Redis, as a null object on ioredis-mock.
    if type(records[j]) == 'string' and not seen[ids[j]] then
      seen[ids[j]] = true
      gone[#gone + 1] = ids[j]
      freed = freed + tonumber(string.match(records[j], '^(%d+):'))
      out[#out + 1] = ids[j]
      out[#out + 1] = records[j]
    end
  end
  out[countAt] = #gone
  if #gone > 0 then
    redis.call('ZREM', seqK, unpack(gone))
    redis.call('ZREM', expK, unpack(gone))
    redis.call('HDEL', msgK, unpack(gone))
    redis.call('SREM', pushedK, unpack(gone))
    redis.call('DECRBY', bytesK, freed)
    freedAll = freedAll + freed
    -- A stale earliest expiry in P..'queues' only makes expire() look early; an empty queue goes.
    if redis.call('ZCARD', seqK) == 0 then settle(name) end
  end
end
if freedAll > 0 then redis.call('DECRBY', P .. 'bytes', freedAll) end
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
