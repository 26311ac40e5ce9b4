/**
 * One string per (namespace, key) for backends that store pairs under a single key:
 * `<UTF-8 byte length of namespace>:<namespace><key>`. The length prefix fixes where the
 * namespace ends, so no character in a namespace or key (`:`, `*`, `%`, spaces) can make
 * two pairs collide or leak into another namespace. Byte length (not UTF-16 length) so the
 * Redis Lua scripts, which see UTF-8 bytes, build the very same string (see redis-scripts.ts).
 */
export function storageKey(namespace: string, key: string): string {
  return `${Buffer.byteLength(namespace, 'utf8')}:${namespace}${key}`;
}
