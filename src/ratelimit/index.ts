export type { HitCounter, Hits } from './hit-counter.js';
export { createMemoryHitCounter, type MemoryCounterOptions } from './memory-counter.js';
export { createRedisHitCounter, type RedisCounterOptions } from './redis-counter.js';
