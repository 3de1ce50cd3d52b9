/*
 * Lua for RedisMessageBuffer, written for few Redis calls per message: each call from Lua costs
 * about a microsecond of Redis's one core beyond its own work. Every script gets the key prefix
 * as ARGV[1] and builds a recipient's keys from their operator name (never from anything a
 * message carries):
 *   P..'q:'..name        ZSET sequence number -> '<id>:<bytes>:<expiresAt>:<record>', the queue
 *   P..'q:'..name..':m'  HASH count, bytes (held for the recipient), last (highest number
 *                        queued), pushed (highest number taken or handed out)
 *   P..'seq'   the one sequence counter   P..'bytes'   body bytes held in all
 *   P..'queues' ZSET of the recipients with a queue, empty ones until the next expire() (all
 *              scored 0, in name order), for expire()
 * ARGV[2] is '1' when presence is in Redis too: the scripts for sends and acknowledgements then
 * also answer where the recipient (the senders) are connected, read in the same atomic run.
 * A message id ends in '.<sequence number>', so an acknowledgement finds its message by score.
 * Keys are built in the scripts, so this needs a single Redis, not a cluster. Replies are
 * tables written as constructors (`{unpack(out)}`): ioredis-mock mangles tables built by
 * assignment. Sequence numbers (near 2^50) are handled as text, or formatted with '%.0f':
 * Redis's Lua prints numbers with 14 significant digits, and ioredis-mock's has 32-bit integers.
 */
export const PRELUDE = `
local P = ARGV[1]
-- The string functions as locals: each use of string.find is two table lookups more, a message.
local find, sub, byte, match, format = string.find, string.sub, string.byte, string.match, string.format
local function qkeys(name)
  return P .. 'q:' .. name, P .. 'q:' .. name .. ':m'
end
-- Where a member's bytes, expiry and record start. Plain finds: patterns cost Redis more.
local function fields(member)
  local bytesAt = find(member, ':', 1, true) + 1
  local expiresAt = find(member, ':', bytesAt, true) + 1
  return bytesAt, expiresAt, find(member, ':', expiresAt, true) + 1
end
-- The number in a member from \`at\` to the ':' before \`nextAt\`.
local function numberAt(member, at, nextAt) return tonumber(sub(member, at, nextAt - 2)) end
-- The connections holding these operators' sessions, '' for none (RedisPresence's keys), when asked for.
local function presences(names)
  if ARGV[2] ~= '1' or #names == 0 then return {} end
  local keys = {}
  for j = 1, #names do keys[j] = P .. 'presence:' .. names[j] end
  local found, connections = redis.call('MGET', unpack(keys)), {}
  for j = 1, #names do connections[j] = type(found[j]) == 'string' and found[j] or '' end
  return connections
end
-- Texts of the numbers after \`seq\`, one a call. '%.0f' prints a float, slowly, for every
-- number; only the last six digits change but once in a million.
local function counter(seq)
  local high = math.floor(seq / 1e6)
  local low = seq - high * 1e6
  local highText = format('%.0f', high)
  return function()
    low = low + 1
    if low == 1e6 then
      high, low = high + 1, 0
      highText = format('%.0f', high)
    end
    if high == 0 then return tostring(low) end
    return highText .. format('%06d', low)
  end
end
-- Counts off \`count\` members removed from a queue and their bytes. A queue that empties keeps
-- its hash (and its place in P..'queues') until the sweep: in a conversation a queue empties at
-- nearly every ack and fills at the next send, and dropping and making its keys each time cost
-- Redis about 0.2 us a message.
local function removed(name, count, freed)
  local _, metaK = qkeys(name)
  redis.call('DECRBY', P .. 'bytes', freed)
  if redis.call('HINCRBY', metaK, 'count', -count) > 0 then return redis.call('HINCRBY', metaK, 'bytes', -freed) end
  redis.call('HSET', metaK, 'bytes', 0)
end
local function remove(name, members, freed)
  if #members == 0 then return end
  redis.call('ZREM', qkeys(name), unpack(members))
  removed(name, #members, freed)
end
-- A queue's count and bytes, as {count, bytes} numbers, its highest number queued as text ('0'
-- when empty; for a queue an older version wrote without it, one above any number, so nothing is
-- handed out past it), and whether it has no keys (not yet in P..'queues').
local function held(name)
  local _, metaK = qkeys(name)
  local meta = redis.call('HMGET', metaK, 'count', 'bytes', 'last')
  local count = tonumber(meta[1]) or 0
  local last = count == 0 and '0' or (type(meta[3]) == 'string' and meta[3] or '9007199254740991')
  return { count, tonumber(meta[2]) or 0, last, type(meta[1]) ~= 'string' }
end
-- Drops the expired messages at the head of the queue (time-to-live is the same for all, so
-- they expire in order; one expired behind a live head is dropped when taken). Returns how many.
local function expireQueue(name, now)
  local qK = qkeys(name)
  local dropped, want = 0, 1
  while true do
    local head = redis.call('ZRANGE', qK, 0, want - 1)
    local gone, freed = {}, 0
    for j = 1, #head do
      local bytesAt, expiresAt, recordAt = fields(head[j])
      if numberAt(head[j], expiresAt, recordAt) > now then break end
      gone[#gone + 1] = head[j]
      freed = freed + numberAt(head[j], bytesAt, expiresAt)
    end
    remove(name, gone, freed)
    dropped = dropped + #gone
    if #gone < want then return dropped end
    want = 64
  end
end
`;

/**
 * Many takes at once. ARGV: prefix, withPresence (unused), now, then for each take: name,
 * afterSeq, max. Returns, per take, how many it found, the highest number pushed before it
 * (a message numbered no higher is redelivered), then the member of each, oldest first (its
 * id ends in its number). A message counts as pushed once taken. Expired ones at the head of
 * those found are dropped and the read goes on, so a take short of `max` found all there was
 * (messages expire in the order queued: one time-to-live; between instances set to different
 * ones, or with clocks apart, one expired behind a live one can still be handed out). Expired
 * ones before afterSeq are left to the sweep (EXPIRE) or to a send that needs their room, not
 * read on every take (a call and a copied member for nothing new).
 */
export const TAKE = `${PRELUDE}
local now = tonumber(ARGV[3])
local out, n = {}, 0
local function seqIn(member) return match(member, '^[^:]*%.(%d+):') end
for i = 4, #ARGV, 3 do
  local name, want = ARGV[i], tonumber(ARGV[i + 2])
  local qK, metaK = qkeys(name)
  local countAt = n + 1
  out[countAt], out[countAt + 1] = 0, '0'
  n = n + 2
  -- Messages expire in the order queued: the first found may have, and are dropped (the read
  -- goes on for the room they leave); once one is live, so are the rest, taken unread.
  local after, live, last = '(' .. ARGV[i + 1], false, nil
  while true do
    local asked = want - (n - countAt - 1)
    local found = redis.call('ZRANGEBYSCORE', qK, after, '+inf', 'LIMIT', 0, asked)
    local gone, freed = {}, 0
    for j = 1, #found do
      local member = found[j]
      if not live then
        local bytesAt, expiresAt, recordAt = fields(member)
        live = numberAt(member, expiresAt, recordAt) > now
        if not live then
          gone[#gone + 1] = member
          freed = freed + numberAt(member, bytesAt, expiresAt)
        end
      end
      if live then
        n = n + 1
        out[n] = member
        last = member
      end
    end
    remove(name, gone, freed)
    if #gone == 0 or #found < asked then break end
    after = '(' .. seqIn(found[#found])
  end
  out[countAt] = n - countAt - 1
  if last then
    local pushed = redis.call('HGET', metaK, 'pushed') or '0'
    out[countAt + 1] = pushed
    local seq = seqIn(last)
    if tonumber(seq) > tonumber(pushed) then redis.call('HSET', metaK, 'pushed', seq) end
  end
end
return {unpack(out)}
`;

/**
 * Messages written to their recipients' connections without a take. ARGV: prefix,
 * withPresence (unused), then for each: name, number ('last': every message queued). Each
 * counts as pushed, so that a take flags it redelivered; a queue gone meanwhile is not brought back.
 */
export const HANDED_OUT = `
local P = ARGV[1]
for i = 3, #ARGV, 2 do
  local metaK = P .. 'q:' .. ARGV[i] .. ':m'
  local meta = redis.call('HMGET', metaK, 'count', 'pushed', 'last')
  local seq = ARGV[i + 1]
  if seq == 'last' then seq = type(meta[3]) == 'string' and meta[3] or '0' end
  if tonumber(meta[1]) and tonumber(seq) > (tonumber(meta[2]) or 0) then redis.call('HSET', metaK, 'pushed', seq) end
end
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
for _, name in ipairs(names) do
  dropped = dropped + expireQueue(name, now)
  -- The queues left empty since the last sweep are forgotten here (see removed).
  if held(name)[1] == 0 then
    redis.call('DEL', qkeys(name))
    redis.call('ZREM', P .. 'queues', name)
  end
end
if #names < tonumber(ARGV[5]) then return {dropped, ''} end
return {dropped, names[#names]}
`;
