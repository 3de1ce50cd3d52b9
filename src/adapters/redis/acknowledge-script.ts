import { PRELUDE } from './message-buffer-scripts.ts';

/* The acknowledgements' Lua for RedisMessageBuffer, on the keys message-buffer-scripts.ts lays out. */

/**
 * Many acknowledgements at once. ARGV: prefix, withPresence, then for each recipient: name,
 * how many ids, the lowest and highest number the ids carry ('' when none carries one; the
 * bounds only choose what is read), the ids in one argument, a newline after each (an id with
 * a newline in it comes as '': it names no message). Returns, for each recipient, runs over its
 * ids in order: how many ids in a row, and the sender of the messages they removed or ''
 * (unknown, or named before); then, with presence, the connection or '' of each sender, in the
 * order they first appear. Only the exact id acknowledges a message: a member goes under its
 * own id. Acks usually name a run of the queue: one range read finds them, bounded to twice as
 * many members as ids; what it does not reach is looked up one number at a time.
 */
export const ACKNOWLEDGE = `${PRELUDE}
-- The number after an id's '.' (a stem has none), or nil.
local function seqOf(id)
  local dot = string.find(id, '.', 1, true)
  local seq = dot and tonumber(string.sub(id, dot + 1))
  if seq and seq >= 1 and seq < 2^53 and seq % 1 == 0 then return seq end
end
-- The ids of one recipient, from their argument.
local function split(text, count)
  local ids, at = {}, 1
  for j = 1, count do
    local stop = string.find(text, '\\n', at, true)
    ids[j] = string.sub(text, at, stop - 1)
    at = stop + 1
  end
  return ids
end
-- A member's id, bytes and sender, in one anchored match (cheaper than a find for each): its
-- record is '<from>:<ts>:<body>', or a JSON array (record() in queue-member.ts). A sender is a
-- mailbox: a name, or NAME/DEVICE.
local MEMBER, MEMBER_JSON = '^([^:]*):(%d+):%d+:([%w%._/%-]+):', '^([^:]*):(%d+):%d+:%["([^"]*)"'
local members, bytesOf, fromOf
local function keep(member)
  local id, bytes, from = string.match(member, MEMBER)
  if not id then id, bytes, from = string.match(member, MEMBER_JSON) end
  members[id], bytesOf[id], fromOf[id] = member, bytes, from
end
local out, n, senders = {}, 0, {}
local i = 3
while i <= #ARGV do
  local name, k, low, high = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2], ARGV[i + 3]
  local qK = qkeys(name)
  local ids = split(ARGV[i + 4], k)
  members, bytesOf, fromOf = {}, {}, {}
  local inRange = -1
  if low ~= '' then
    local limit = 2 * k + 16
    local found = redis.call('ZRANGEBYSCORE', qK, low, high, 'LIMIT', 0, limit)
    if #found < limit then inRange = #found end
    for _, member in ipairs(found) do keep(member) end
    if #found == limit then
      for _, id in ipairs(ids) do
        local seq = seqOf(id)
        if seq and not members[id] then
          seq = string.format('%.0f', seq)
          local member = redis.call('ZRANGEBYSCORE', qK, seq, seq)[1]
          if type(member) == 'string' then keep(member) end
        end
      end
    end
  end
  local gone, freed, runFrom, runCount = {}, 0, nil, 0
  for _, id in ipairs(ids) do
    local member, from = members[id], ''
    if member then
      members[id] = nil
      from = fromOf[id]
      gone[#gone + 1] = member
      freed = freed + bytesOf[id]
      if not senders[from] then senders[from] = true; senders[#senders + 1] = from end
    end
    if from == runFrom then
      runCount = runCount + 1
    else
      if runFrom then out[n + 1], out[n + 2], n = runCount, runFrom, n + 2 end
      runFrom, runCount = from, 1
    end
  end
  if runFrom then out[n + 1], out[n + 2], n = runCount, runFrom, n + 2 end
  -- When the ids name every message of their range, the range goes without naming the members.
  if #gone > 0 and #gone == inRange then
    redis.call('ZREMRANGEBYSCORE', qK, low, high)
    removed(name, #gone, freed)
  else
    remove(name, gone, freed)
  end
  i = i + 5
end
for _, connection in ipairs(presences(senders)) do out[n + 1] = connection; n = n + 1 end
return {unpack(out)}
`;
