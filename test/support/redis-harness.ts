import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { redisServerMissing, startRedisServer } from './redis-server.ts';
import type { RedisServer } from './redis-server.ts';
import { reportMissingService } from './missing-service.ts';

/** A Redis client for one test and its clean-up; keys live under a prefix of their own. */
export interface RedisTarget {
  readonly redis: Redis;
  readonly prefix: string;
  dispose(): Promise<void>;
}

export function mockRedis(): RedisTarget {
  const redis = new RedisMock() as unknown as Redis;
  return {
    redis,
    prefix: uniquePrefix(),
    async dispose() {
      await redis.flushall();
      redis.disconnect();
    },
  };
}

let shared: Promise<RedisServer> | undefined;

/**
 * One redis-server for every test of this process, started on first use and killed when the
 * process exits; undefined (after saying why) when redis-server is not installed.
 */
export async function realRedis(): Promise<(() => RedisTarget) | undefined> {
  const missing = redisServerMissing();
  if (missing !== undefined) {
    reportMissingService(missing);
    return undefined;
  }
  shared ??= startRedisServer();
  const server = await shared;
  return () => {
    const redis = server.client();
    return { redis, prefix: uniquePrefix(), dispose: async () => void (await redis.quit()) };
  };
}

function uniquePrefix(): string {
  return `test-${randomBytes(4).toString('hex')}:`;
}
