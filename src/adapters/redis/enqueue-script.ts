import { PRELUDE } from './message-buffer-scripts.ts';

/* The sends' Lua for RedisMessageBuffer, on the keys message-buffer-scripts.ts lays out. */

/**
 * Many sends at once, under the same limits. ARGV: prefix, withPresence, now, seqFloor,
 * maxMessages, maxBytes, maxTotal, the run's id stem, how many messages, then the messages
 * grouped by recipient: the recipient's name, how many messages for it, their bytes together,
 * then the rest of each one's member (':<bytes>:<expiresAt>:<record>'), an argument each. Redis's
 * Lua hashes every byte of every string it makes: a member's rest cut from one text of all the
 * sends was a copy (and a hash) of every message more than an argument of its own. Each message
 * takes the next number in the order of the arguments, refused or not (numbers need only
 * increase, per recipient in the order sent; its id is the stem, '.', the number). Returns the
 * first number as text, how many were refused, their places among the messages (0 for the
 * first), then, for each recipient in the order of the arguments, the highest number queued for
 * it before the run (as text, '0' for none), then, with presence, the connection or '' of each,
 * in that order. After Redis lost its data the counter restarts from seqFloor (from the clock),
 * so connected sessions never see a number they have already pushed past. Each queue gets one
 * ZADD, its messages in the order sent.
 */
export const ENQUEUE = `${PRELUDE}
local A = ARGV
local now, maxCount, maxBytes, maxTotal = tonumber(A[3]), tonumber(A[5]), tonumber(A[6]), tonumber(A[7])
local stem = A[8] .. '.'
local sends = tonumber(A[9])
-- INCRBY answers the last number alone unless the counter was missing (Redis lost its data).
local last = redis.call('INCRBY', P .. 'seq', sends)
if last == sends then
  last = tonumber(A[4]) + sends
  redis.call('SET', P .. 'seq', format('%.0f', last))
end
local nextText = counter(last - sends)
local queues, names, refused = {}, {}, {}
local total, added = tonumber(redis.call('GET', P .. 'bytes') or '0'), 0
local function room(q, n, bytes)
  return q.count + n <= maxCount and q.held + bytes <= maxBytes and total + bytes <= maxTotal
end
local function countIn(q, n, bytes)
  q.count, q.held, q.added = q.count + n, q.held + bytes, q.added + bytes
  total, added = total + bytes, added + bytes
end
-- Counts one message in if it fits. Expired messages only matter when they would take the
-- room: dropped then, once a run, before anything was added to the queue.
local function admit(q, name, bytes)
  local fits = room(q, 1, bytes)
  if not fits and not q.expired and q.added == 0 and expireQueue(name, now) > 0 then
    local h = held(name)
    total = tonumber(redis.call('GET', P .. 'bytes') or '0') + added
    q.count, q.held = h[1], h[2]
    fits = room(q, 1, bytes)
  end
  q.expired = true
  if fits then countIn(q, 1, bytes) end
  return fits
end
local i, k = 0, 10
while i < sends do
  local name, n, bytes = A[k], tonumber(A[k + 1]), tonumber(A[k + 2])
  k = k + 3
  local q = queues[name]
  if not q then
    local h = held(name)
    q = { count = h[1], held = h[2], before = h[3], fresh = h[4], added = 0, expired = false, entries = {}, n = 0 }
    queues[name], names[#names + 1] = q, name
  end
  -- A recipient's messages that fit together are taken without reading each one's bytes.
  local whole = room(q, n, bytes)
  if whole then
    countIn(q, n, bytes)
    q.expired = true
  end
  for _ = 1, n do
    local rest, seq = A[k], nextText()
    k = k + 1
    if whole or admit(q, name, tonumber(sub(rest, 2, find(rest, ':', 2, true) - 1))) then
      local e = q.n
      q.entries[e + 1], q.entries[e + 2], q.n, q.last = seq, stem .. seq .. rest, e + 2, seq
    else
      refused[#refused + 1] = i
    end
    i = i + 1
  end
end
for _, name in ipairs(names) do
  local q = queues[name]
  if q.n > 0 then
    local qK, metaK = qkeys(name)
    redis.call('ZADD', qK, unpack(q.entries))
    redis.call('HSET', metaK, 'count', q.count, 'bytes', q.held, 'last', q.last)
    if q.fresh then redis.call('ZADD', P .. 'queues', 0, name) end
  end
end
if added > 0 then redis.call('INCRBY', P .. 'bytes', added) end
local out = { format('%.0f', last - sends + 1), #refused }
for _, place in ipairs(refused) do out[#out + 1] = place end
for _, name in ipairs(names) do out[#out + 1] = queues[name].before end
for _, connection in ipairs(presences(names)) do out[#out + 1] = connection end
return {unpack(out)}
`;
