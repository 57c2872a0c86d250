-- Atomic append for one logical partition (every key shares its {pN} hash tag, so this runs in one
-- Redis Cluster slot). In one step it: refuses a message the inbox has seen, checks every stream's
-- expected version, appends the events, records outbox entries that point at them (the relay reads
-- entries and payloads in one script call), marks the inbox
-- and applies the service's index operations. Nothing is written unless every check passes.
--
-- A stream lives in one of two forms. Short (at most ARGV[7] events): a field of the partition's
-- hash of packed streams of its type, holding the event count and the length-prefixed events
-- (struct '>I4' each), so a visit's few events cost no key of their own. Longer, or written by an
-- earlier version: a Redis list of its events. A packed stream that would outgrow the limit moves
-- to its list in the same step.
--
-- KEYS[1] outbox stream, KEYS[2] this period's inbox hash, KEYS[3] the previous period's,
-- KEYS[4] the unbounded inbox of earlier versions (read only), then per stream its list key and
-- its packed hash, then one key per op.
-- ARGV[1] inbox field ('' = not from Kafka), ARGV[2] inbox version, ARGV[3] Kafka key,
-- ARGV[4] n streams, ARGV[5] n ops, ARGV[6] inbox TTL in seconds (0 = none), ARGV[7] most events
-- a packed stream holds (0 = lists only); per stream: expected version (-1 = any), count, publish
-- ('1' = an outbox entry per event, '0' = kept by the service only), the stream's id (its field
-- in the packed hash), events...;
-- per op: command, argc, args...
-- Replies {'ok', v1..vn} | {'conflict', stream index, current version} | {'dup', high-water mark}.
local inbox_field = ARGV[1]
if inbox_field ~= '' then
  local hwm = 0
  for k = 2, 4 do hwm = math.max(hwm, tonumber(redis.call('HGET', KEYS[k], inbox_field) or '0')) end
  if hwm >= tonumber(ARGV[2]) then return {'dup', hwm} end
end
local n = tonumber(ARGV[4])
local nops = tonumber(ARGV[5])
local max_packed = tonumber(ARGV[7])

-- The stream's version, and its packed value when it is packed.
local function current(i, field)
  local len = redis.call('LLEN', KEYS[3 + 2 * i])
  if len > 0 then return len, nil end
  local packed = redis.call('HGET', KEYS[4 + 2 * i], field)
  if not packed then return 0, nil end
  return struct.unpack('>I4', packed), packed
end

local pos = 8
for i = 1, n do
  local expected = tonumber(ARGV[pos])
  local count = tonumber(ARGV[pos + 1])
  if expected >= 0 then
    local version = current(i, ARGV[pos + 3])
    if version ~= expected then return {'conflict', i, version} end
  end
  pos = pos + 4 + count
end
local allowed = {HSET = true, HDEL = true, ZADD = true, ZREM = true, SADD = true, SREM = true,
                 SET = true, DEL = true, HINCRBY = true, INCRBY = true}
local versions = {'ok'}
pos = 8
for i = 1, n do
  local list, hash = KEYS[3 + 2 * i], KEYS[4 + 2 * i]
  local count = tonumber(ARGV[pos + 1])
  local publish = ARGV[pos + 2] == '1'
  local field = ARGV[pos + 3]
  local version, packed = current(i, field)
  local first = pos + 4
  if version + count <= max_packed and (packed or version == 0) then
    local parts = {struct.pack('>I4', version + count), packed and string.sub(packed, 5) or ''}
    for e = first, first + count - 1 do parts[#parts + 1] = struct.pack('>I4', #ARGV[e]) .. ARGV[e] end
    redis.call('HSET', hash, field, table.concat(parts))
  else
    if packed then  -- outgrown: its earlier events move to the list first
      local at = 5
      for _ = 1, version do
        local len = struct.unpack('>I4', packed, at)
        redis.call('RPUSH', list, string.sub(packed, at + 4, at + 3 + len))
        at = at + 4 + len
      end
      redis.call('HDEL', hash, field)
    end
    for e = first, first + count - 1 do redis.call('RPUSH', list, ARGV[e]) end
  end
  if publish then
    for e = 0, count - 1 do redis.call('XADD', KEYS[1], '*', 's', list, 'i', version + e, 'k', ARGV[3]) end
  end
  versions[#versions + 1] = version + count
  pos = first + count
end
for j = 1, nops do
  local cmd = ARGV[pos]
  local argc = tonumber(ARGV[pos + 1])
  if not allowed[cmd] then return redis.error_reply('append: index op ' .. cmd .. ' not allowed') end
  redis.call(cmd, KEYS[4 + 2 * n + j], unpack(ARGV, pos + 2, pos + 1 + argc))
  pos = pos + 2 + argc
end
if inbox_field ~= '' then
  redis.call('HSET', KEYS[2], inbox_field, ARGV[2])
  local ttl = tonumber(ARGV[6])
  if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl, 'NX') end
end
return versions
