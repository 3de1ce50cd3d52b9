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
 * many members as ids; what it does not reach is looked up one number at a time. When the ids
 * are the range's messages, in order, each is checked against the member in its place: a
 * table of the members cost Redis 0.55 us a message more (measured).
 */
export const ACKNOWLEDGE = `${PRELUDE}
-- The number after an id's '.' (a stem has none), or nil.
local function seqOf(id)
  local dot = find(id, '.', 1, true)
  local seq = dot and tonumber(sub(id, dot + 1))
  if seq and seq >= 1 and seq < 2^53 and seq % 1 == 0 then return seq end
end
-- The ids of one recipient, from their argument.
local function split(text, count)
  local ids, at = {}, 1
  for j = 1, count do
    local stop = find(text, '\\n', at, true)
    ids[j] = sub(text, at, stop - 1)
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
  local id, bytes, from = match(member, MEMBER)
  if not id then id, bytes, from = match(member, MEMBER_JSON) end
  members[id], bytesOf[id], fromOf[id] = member, bytes, from
end
-- The usual ack names every message of its range, in order: each id is checked against the
-- member read in its place (which starts with the id and a ':'), with no table of members.
-- Returns the bytes freed and each message's sender, or nothing for any other ack.
local SIZE_FROM, SIZE_FROM_JSON = '^(%d+):%d+:([%w%._/%-]+):', '^(%d+):%d+:%["([^"]*)"'
local function inOrder(found, ids)
  if #found == 0 or #found ~= #ids then return nil end
  local freed, froms = 0, {}
  for j = 1, #found do
    local member, id = found[j], ids[j]
    if find(member, id, 1, true) ~= 1 or byte(member, #id + 1) ~= 58 then return nil end
    local bytes, from = match(member, SIZE_FROM, #id + 2)
    if not bytes then bytes, from = match(member, SIZE_FROM_JSON, #id + 2) end
    freed, froms[j] = freed + bytes, from
  end
  return freed, froms
end
local out, n, senders = {}, 0, {}
-- Answers the runs over one recipient's ids: how many in a row, and the sender of the messages
-- they removed or '' (unknown, or named before).
local function runs(froms)
  local runFrom, runCount = nil, 0
  for _, from in ipairs(froms) do
    if from ~= '' and not senders[from] then senders[from] = true; senders[#senders + 1] = from end
    if from == runFrom then
      runCount = runCount + 1
    else
      if runFrom then out[n + 1], out[n + 2], n = runCount, runFrom, n + 2 end
      runFrom, runCount = from, 1
    end
  end
  if runFrom then out[n + 1], out[n + 2], n = runCount, runFrom, n + 2 end
end
local i = 3
while i <= #ARGV do
  local name, k, low, high = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 2], ARGV[i + 3]
  local qK = qkeys(name)
  local ids = split(ARGV[i + 4], k)
  local limit = 2 * k + 16
  local found = low ~= '' and redis.call('ZRANGEBYSCORE', qK, low, high, 'LIMIT', 0, limit) or {}
  local freed, froms = inOrder(found, ids)
  if freed then
    -- The ids name every message of their range: the range goes without naming the members.
    redis.call('ZREMRANGEBYSCORE', qK, low, high)
    removed(name, k, freed)
  else
    members, bytesOf, fromOf = {}, {}, {}
    for _, member in ipairs(found) do keep(member) end
    if #found == limit then
      for _, id in ipairs(ids) do
        local seq = seqOf(id)
        if seq and not members[id] then
          seq = format('%.0f', seq)
          local member = redis.call('ZRANGEBYSCORE', qK, seq, seq)[1]
          if type(member) == 'string' then keep(member) end
        end
      end
    end
    local gone = {}
    freed, froms = 0, {}
    for j, id in ipairs(ids) do
      local member = members[id]
      froms[j] = ''
      if member then
        members[id] = nil
        froms[j] = fromOf[id]
        gone[#gone + 1] = member
        freed = freed + bytesOf[id]
      end
    end
    if #gone > 0 and #gone == #found and #found < limit then
      redis.call('ZREMRANGEBYSCORE', qK, low, high)
      removed(name, #gone, freed)
    else
      remove(name, gone, freed)
    end
  end
  runs(froms)
  i = i + 5
end
for _, connection in ipairs(presences(senders)) do out[n + 1] = connection; n = n + 1 end
return {unpack(out)}
`;
