/**
 * Lua scripts for the Redis backend. Each runs atomically inside Redis, so a limit check
 * and the write it allows, or a pair and its index entry, can never be split by another
 * store instance or by Redis going away halfway.
 *
 * Layout, with `base` = "<keyPrefix>:" (see redis-keys.ts):
 *   base.."pair:"..storageKey   string: keyv's JSON envelope of the value record, PX = TTL
 *   base.."keys:"..namespace    sorted set: key → expiresAt (ms; NEVER when no TTL)
 *   base.."namespaces"          sorted set: namespace → latest expiresAt of its keys
 * A pair is live while now < expiresAt. `now` comes from the store's clock.
 *
 * The scripts build key names from `base` (ARGV[1]) instead of receiving them in KEYS,
 * so this backend needs a single Redis node, not Redis Cluster.
 */

// Mirrors storageKey() in storage-key.ts: string.len counts UTF-8 bytes, like Buffer.byteLength.
const HELPERS = `
local base = ARGV[1]
local namespacesKey = base .. 'namespaces'
local function pairKey(ns, key) return base .. 'pair:' .. string.len(ns) .. ':' .. ns .. key end
local function indexKey(ns) return base .. 'keys:' .. ns end
local function refreshNamespace(ns)
  local latest = redis.call('ZRANGE', indexKey(ns), -1, -1, 'WITHSCORES')
  if #latest == 0 then
    redis.call('ZREM', namespacesKey, ns)
  else
    redis.call('ZADD', namespacesKey, latest[2], ns)
  end
end
`;

/**
 * ARGV: base, now, maxKeysPerNamespace, maxNamespaces, then per pair: namespace, key,
 * envelope, ttl, expiresAt. Returns {} when written, or {limit, namespace, liveCount} when
 * refused (nothing written). Same rules as checkCountLimits() in count-limits.ts.
 */
export const WRITE_SCRIPT = `${HELPERS}
local now = tonumber(ARGV[2])
local liveFrom = '(' .. ARGV[2]
local maxKeys = tonumber(ARGV[3])
local maxNamespaces = tonumber(ARGV[4])
local newKeys, order, seen = {}, {}, {}
for i = 5, #ARGV, 5 do
  local ns, key = ARGV[i], ARGV[i + 1]
  if newKeys[ns] == nil then
    newKeys[ns] = 0
    order[#order + 1] = ns
  end
  local id = pairKey(ns, key)
  if not seen[id] then
    seen[id] = true
    local score = redis.call('ZSCORE', indexKey(ns), key)
    if (not score) or tonumber(score) <= now then newKeys[ns] = newKeys[ns] + 1 end
  end
end
local newNamespaces = 0
for _, ns in ipairs(order) do
  if newKeys[ns] > 0 then
    local live = redis.call('ZCOUNT', indexKey(ns), liveFrom, '+inf')
    if live + newKeys[ns] > maxKeys then return {'maxKeysPerNamespace', ns, live} end
    if live == 0 then newNamespaces = newNamespaces + 1 end
  end
end
if newNamespaces > 0 then
  local live = redis.call('ZCOUNT', namespacesKey, liveFrom, '+inf')
  if live + newNamespaces > maxNamespaces then return {'maxNamespaces', '', live} end
end
for i = 5, #ARGV, 5 do
  local ns, key, envelope, ttl, expiresAt = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  if tonumber(ttl) > 0 then
    redis.call('SET', pairKey(ns, key), envelope, 'PX', ttl)
  else
    redis.call('SET', pairKey(ns, key), envelope)
  end
  redis.call('ZADD', indexKey(ns), expiresAt, key)
end
for _, ns in ipairs(order) do refreshNamespace(ns) end
return {}
`;

/** ARGV: base, now, namespace, key. Returns 1 when a live pair was removed, else 0. */
export const DELETE_SCRIPT = `${HELPERS}
local ns, key = ARGV[3], ARGV[4]
local score = redis.call('ZSCORE', indexKey(ns), key)
redis.call('DEL', pairKey(ns, key))
if not score then return 0 end
redis.call('ZREM', indexKey(ns), key)
refreshNamespace(ns)
if tonumber(score) > tonumber(ARGV[2]) then return 1 end
return 0
`;

/** ARGV: base, now, namespace. Returns 1 when the namespace had a live pair, else 0. */
export const DELETE_NAMESPACE_SCRIPT = `${HELPERS}
local ns = ARGV[3]
local live = redis.call('ZCOUNT', indexKey(ns), '(' .. ARGV[2], '+inf')
for _, key in ipairs(redis.call('ZRANGE', indexKey(ns), 0, -1)) do redis.call('DEL', pairKey(ns, key)) end
redis.call('DEL', indexKey(ns))
redis.call('ZREM', namespacesKey, ns)
if live > 0 then return 1 end
return 0
`;

/**
 * ARGV: base, now. Removes expired index entries (Redis has usually expired the pairs
 * themselves already) and forgets namespaces left empty. Returns how many were removed.
 */
export const SWEEP_SCRIPT = `${HELPERS}
local removed = 0
for _, ns in ipairs(redis.call('ZRANGE', namespacesKey, 0, -1)) do
  local expired = redis.call('ZRANGE', indexKey(ns), '-inf', ARGV[2], 'BYSCORE')
  if #expired > 0 then
    for _, key in ipairs(expired) do redis.call('DEL', pairKey(ns, key)) end
    redis.call('ZREMRANGEBYSCORE', indexKey(ns), '-inf', ARGV[2])
    refreshNamespace(ns)
    removed = removed + #expired
  end
end
return removed
`;
