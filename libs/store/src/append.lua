-- Atomic append for one logical partition (every key shares its {pN} hash tag, so this runs in one
-- Redis Cluster slot). In one step it: refuses a message the inbox has seen, checks every stream's
-- expected version, appends the events, records outbox entries that point at them (the relay reads
-- entries and payloads in one script call), marks the inbox
-- and applies the service's index operations. Nothing is written unless every check passes.
--
-- KEYS[1] outbox stream, KEYS[2] this period's inbox hash, KEYS[3] the previous period's,
-- KEYS[4] the unbounded inbox of earlier versions (read only), KEYS[5 .. 4+n] event streams, then
-- one key per op.
-- ARGV[1] inbox field ('' = not from Kafka), ARGV[2] inbox version, ARGV[3] Kafka key,
-- ARGV[4] n streams, ARGV[5] n ops, ARGV[6] inbox TTL in seconds (0 = none); per stream: expected
-- version (-1 = any), count, publish ('1' = an outbox entry per event, '0' = kept by the service
-- only), events...;
-- per op: command, argc, args...
-- Replies {'ok', v1..vn} | {'conflict', stream index, current version} | {'dup', high-water mark}.
local inbox_field = ARGV[1]
if inbox_field ~= '' then
  local hwm = 0
  for k = 2, 4 do hwm = math.max(hwm, tonumber(redis.call('HGET', KEYS[k], inbox_field) or '0')) end
  if hwm >= tonumber(ARGV[2]) then return {'dup', hwm} end
end
local first_stream = 4
local n = tonumber(ARGV[4])
local nops = tonumber(ARGV[5])
local pos = 7
for i = 1, n do
  local expected = tonumber(ARGV[pos])
  local count = tonumber(ARGV[pos + 1])
  if expected >= 0 then
    local current = redis.call('LLEN', KEYS[first_stream + i])
    if current ~= expected then return {'conflict', i, current} end
  end
  pos = pos + 3 + count
end
local allowed = {HSET = true, HDEL = true, ZADD = true, ZREM = true, SADD = true, SREM = true,
                 SET = true, DEL = true, HINCRBY = true, INCRBY = true}
local versions = {'ok'}
pos = 7
for i = 1, n do
  local key = KEYS[first_stream + i]
  local count = tonumber(ARGV[pos + 1])
  local publish = ARGV[pos + 2] == '1'
  local version = redis.call('LLEN', key)
  for e = 1, count do
    redis.call('RPUSH', key, ARGV[pos + 2 + e])
    if publish then redis.call('XADD', KEYS[1], '*', 's', key, 'i', version, 'k', ARGV[3]) end
    version = version + 1
  end
  versions[#versions + 1] = version
  pos = pos + 3 + count
end
for j = 1, nops do
  local cmd = ARGV[pos]
  local argc = tonumber(ARGV[pos + 1])
  if not allowed[cmd] then return redis.error_reply('append: index op ' .. cmd .. ' not allowed') end
  redis.call(cmd, KEYS[first_stream + n + j], unpack(ARGV, pos + 2, pos + 1 + argc))
  pos = pos + 2 + argc
end
if inbox_field ~= '' then
  redis.call('HSET', KEYS[2], inbox_field, ARGV[2])
  local ttl = tonumber(ARGV[6])
  if ttl > 0 then redis.call('EXPIRE', KEYS[2], ttl, 'NX') end
end
return versions
