import type { Redis } from 'ioredis';
import { token } from '../../ports/token.ts';

/** Injection token of the ioredis client that the Redis adapters share for commands. */
export const RedisClient = token<Redis>('RedisClient');
/** Injection token of the prefix every Redis key and channel of this deployment starts with. */
export const RedisKeyPrefix = token<string>('RedisKeyPrefix');

export const DEFAULT_KEY_PREFIX = 'litsxg:';

/**
 * Runs a Lua script atomically. `defineCommand` works on both ioredis (EVALSHA, falling back
 * to EVAL once per connection) and ioredis-mock (which has no SCRIPT LOAD but emulates it).
 */
export function luaCommand(redis: Redis, name: string, lua: string): (...args: string[]) => Promise<unknown> {
  redis.defineCommand(name, { numberOfKeys: 0, lua });
  const command = (redis as unknown as Record<string, (...args: string[]) => Promise<unknown>>)[name]!;
  return (...args) => command.apply(redis, args);
}

/** A reply element as text: real Redis sends bulk strings, ioredis-mock hands back JS values. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}
