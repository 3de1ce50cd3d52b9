/*
 * Lua for RedisMessageBuffer, written for few Redis calls per message: each call from Lua costs
 * about a microsecond of Redis's one core beyond its own work. Every script gets the key prefix
 * as ARGV[1] and builds a recipient's keys from their operator name (never from anything a
 * message carries):
 *   P..'q:'..name        ZSET sequence number -> '<id>:<bytes>:<expiresAt>:<json>', the queue
 *   P..'q:'..name..':m'  HASH count, bytes (held for the recipient), pushed (highest number taken)
 *   P..'seq'   the one sequence counter   P..'bytes'   body bytes held in all
 *   P..'queues' ZSET of the recipients with a queue (all scored 0, in name order), for expire()
 * ARGV[2] is '1' when presence is in Redis too: the scripts for sends and acknowledgements then
 * also answer where the recipient (the senders) are connected, read in the same atomic run.
 * A message id ends in '.<sequence number>', so an acknowledgement finds its message by score.
 * Keys are built in the scripts, so this needs a single Redis, not a cluster. Replies are
 * tables written as constructors (`{unpack(out)}`): ioredis-mock mangles tables built by
 * assignment. Sequence numbers (near 2^50) are handled as text, or formatted with '%.0f':
 * Redis's Lua prints numbers with 14 significant digits, and ioredis-mock's has 32-bit integers.
 */
const PRELUDE = `
local P = ARGV[1]
local function qkeys(name)
  return P .. 'q:' .. name, P .. 'q:' .. name .. ':m'
end
local function fields(member)
  local id, bytes, expiresAt = string.match(member, '^([^:]*):(%d+):(%d+):')
  return id, tonumber(bytes), tonumber(expiresAt)
end
-- The connection holding the operator's session, or '' (RedisPresence's key), when asked for.
local function presence(name)
  if ARGV[2] ~= '1' then return '' end
  local connection = redis.call('GET', P .. 'presence:' .. name)
  if type(connection) == 'string' then return connection end
  return ''
end
local function forget(name)
  local qK, metaK = qkeys(name)
  redis.call('DEL', qK, metaK)
  redis.call('ZREM', P .. 'queues', name)
end
-- Removes members of one queue and their bytes; forgets the queue once it is empty.
local function remove(name, members, freed)
  if #members == 0 then return end
  local qK, metaK = qkeys(name)
  redis.call('ZREM', qK, unpack(members))
  redis.call('DECRBY', P .. 'bytes', freed)
  if redis.call('HINCRBY', metaK, 'count', -#members) <= 0 then forget(name) else redis.call('HINCRBY', metaK, 'bytes', -freed) end
end
-- A queue's count and bytes, as {count, bytes} numbers.
local function held(name)
  local _, metaK = qkeys(name)
  local meta = redis.call('HMGET', metaK, 'count', 'bytes')
  return { tonumber(meta[1]) or 0, tonumber(meta[2]) or 0 }
end
-- Drops the expired messages at the head of the queue (time-to-live is the same for all, so
-- they expire in order; one expired behind a live head is dropped when taken). Returns how many.
local function expireQueue(name, now)
  local qK = qkeys(name)
  local dropped, want = 0, 1
  while true do
    local head = redis.call('ZRANGE', qK, dropped, dropped + want - 1)
    local gone, freed = {}, 0
    for j = 1, #head do
      local _, bytes, expiresAt = fields(head[j])
      if expiresAt > now then break end
      gone[#gone + 1] = head[j]
      freed = freed + bytes
    end
    remove(name, gone, freed)
    dropped = dropped + #gone
    if #gone < want then return dropped end
    want = 64
  end
end
`;

/**
 * Many sends at once. ARGV: prefix, withPresence, now, seqFloor, then for each message: name, id
 * stem, bytes, expiresAt, record, maxMessages, maxBytes, maxTotal. Returns, per message, its
 * sequence number as text, or '0' when a limit refused it (its id is the stem, '.', that
 * number), and the recipient's connection or ''. After Redis
 * lost its data (a restart without persistence) the counter restarts from seqFloor (derived
 * from the clock), so connected sessions never see a number they have already pushed past.
 */
export const ENQUEUE = `${PRELUDE}
local now = tonumber(ARGV[3])
local queues, names = {}, {}
for i = 5, #ARGV, 8 do
  local name = ARGV[i]
  if not queues[name] then
    local h = held(name)
    queues[name] = { count = h[1], held = h[2], fresh = h[1] == 0, added = 0, expired = false }
    names[#names + 1] = name
  end
end
local total = tonumber(redis.call('GET', P .. 'bytes') or '0')
local accepted, added = {}, 0
for i = 5, #ARGV, 8 do
  local name, bytes = ARGV[i], tonumber(ARGV[i + 2])
  local q = queues[name]
  local fits = function()
    return q.count + 1 <= tonumber(ARGV[i + 5]) and q.held + bytes <= tonumber(ARGV[i + 6]) and total + bytes <= tonumber(ARGV[i + 7])
  end
  -- Expired messages only matter when they would take the room: dropped then, once a run.
  if not fits() and not q.expired and q.added == 0 and expireQueue(name, now) > 0 then
    local h = held(name)
    total = tonumber(redis.call('GET', P .. 'bytes') or '0') + added
    q.count, q.held, q.fresh = h[1], h[2], h[1] == 0
  end
  q.expired = true
  if fits() then
    accepted[#accepted + 1] = i
    q.count, q.held, q.added = q.count + 1, q.held + bytes, q.added + bytes
    total, added = total + bytes, added + bytes
  end
end
local numbers = {}
if #accepted > 0 then
  redis.call('SET', P .. 'seq', ARGV[4], 'NX')
  redis.call('INCRBY', P .. 'seq', #accepted)
  local seq = tonumber(redis.call('GET', P .. 'seq')) - #accepted
  for _, i in ipairs(accepted) do
    seq = seq + 1
    local text = string.format('%.0f', seq)
    numbers[i] = text
    redis.call('ZADD', P .. 'q:' .. ARGV[i], text, ARGV[i + 1] .. '.' .. text .. ':' .. ARGV[i + 2] .. ':' .. ARGV[i + 3] .. ':' .. ARGV[i + 4])
  end
  for _, name in ipairs(names) do
    local q = queues[name]
    if q.added > 0 then
      local _, metaK = qkeys(name)
      redis.call('HSET', metaK, 'count', q.count, 'bytes', q.held)
      if q.fresh then redis.call('ZADD', P .. 'queues', 0, name) end
    end
  end
  redis.call('INCRBY', P .. 'bytes', added)
end
local out = {}
for i = 5, #ARGV, 8 do
  out[#out + 1] = numbers[i] or '0'
  out[#out + 1] = presence(ARGV[i])
end
return {unpack(out)}
`;

/**
 * Many takes at once. ARGV: prefix, withPresence (unused), now, then for each take: name,
 * afterSeq, max. Returns, per
 * take, how many it found, then sequence number, pushed before ('1'/'0') and member for each,
 * oldest first. A message counts as pushed once taken.
 */
export const TAKE = `${PRELUDE}
local now = tonumber(ARGV[3])
local out = {}
for i = 4, #ARGV, 3 do
  local name = ARGV[i]
  expireQueue(name, now)
  local qK, metaK = qkeys(name)
  local found = redis.call('ZRANGEBYSCORE', qK, '(' .. ARGV[i + 1], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[i + 2]))
  local countAt = #out + 1
  out[countAt] = 0
  if #found > 0 then
    local pushed = tonumber(redis.call('HGET', metaK, 'pushed') or '0')
    local gone, freed, count, last = {}, 0, 0, nil
    for j = 1, #found, 2 do
      local _, bytes, expiresAt = fields(found[j])
      if expiresAt <= now then
        gone[#gone + 1] = found[j]
        freed = freed + bytes
      else
        local seq = found[j + 1]
        out[#out + 1] = seq
        if tonumber(seq) <= pushed then out[#out + 1] = '1' else out[#out + 1] = '0' end
        out[#out + 1] = found[j]
        count, last = count + 1, seq
      end
    end
    out[countAt] = count
    if last and tonumber(last) > pushed then redis.call('HSET', metaK, 'pushed', last) end
    remove(name, gone, freed)
  end
end
return {unpack(out)}
`;

/**
 * Many acknowledgements at once. ARGV: prefix, withPresence, then for each: name, how many
 * ids, the ids. Returns, per acknowledgement, how many were queued, the member of each, and
 * then for each of their senders: name, connection or ''. Only the
 * exact id acknowledges a message: its number finds the member, whose id must match.
 */
export const ACKNOWLEDGE = `${PRELUDE}
local out = {}
local i = 3
while i <= #ARGV do
  local name, k = ARGV[i], tonumber(ARGV[i + 1])
  local qK = qkeys(name)
  local gone, seen, freed, senders = {}, {}, 0, {}
  local countAt = #out + 1
  out[countAt] = 0
  for j = i + 2, i + 1 + k do
    local id = ARGV[j]
    local seq = string.match(id, '%.(%d+)$')
    if seq and not seen[id] then
      seen[id] = true
      local member = redis.call('ZRANGEBYSCORE', qK, seq, seq)[1]
      if type(member) == 'string' and string.sub(member, 1, #id + 1) == id .. ':' then
        local _, bytes = fields(member)
        gone[#gone + 1] = member
        freed = freed + bytes
        out[#out + 1] = member
        local from = string.match(member, '^[^:]*:%d+:%d+:%["([^"]*)"')
        if from and not senders[from] then
          senders[from] = true
          senders[#senders + 1] = from
        end
      end
    end
  end
  out[countAt] = #gone
  for _, from in ipairs(senders) do
    out[#out + 1] = from
    out[#out + 1] = presence(from)
  end
  remove(name, gone, freed)
  i = i + 2 + k
end
return {unpack(out)}
`;

/**
 * ARGV: prefix, withPresence (unused), now, the last name visited ('' to start), how many
 * recipients to visit. Returns
 * {messages dropped, the last name visited now ('' when every queue was visited)}. Names are
 * walked in order, so queues that empty meanwhile make none be skipped.
 */
export const EXPIRE = `${PRELUDE}
local now = tonumber(ARGV[3])
local from = ARGV[4] == '' and '-' or '(' .. ARGV[4]
local names = redis.call('ZRANGEBYLEX', P .. 'queues', from, '+', 'LIMIT', 0, tonumber(ARGV[5]))
local dropped = 0
for _, name in ipairs(names) do dropped = dropped + expireQueue(name, now) end
if #names < tonumber(ARGV[5]) then return {dropped, ''} end
return {dropped, names[#names]}
`;
