import type { Redis } from 'ioredis';
import { inject, injectable } from 'inversify';
import type { ThrottleRecord } from '../../domain/throttle.ts';
import type { AttemptStart, ThrottleStore } from '../../ports/throttle-store.ts';
import { START_ATTEMPT } from './limit-scripts.ts';
import { RedisClient, RedisKeyPrefix, luaCommand, text } from './redis-client.ts';

/**
 * Authentication throttling shared by every instance on one Redis (PROTOCOL "Session" 4), so a
 * guesser spread over several servers gets no more attempts than on one. A record expires by
 * itself (PEXPIREAT), and holds counts and times only.
 */
@injectable()
export class RedisThrottleStore implements ThrottleStore {
  private readonly startScript;

  constructor(
    @inject(RedisClient) private readonly redis: Redis,
    @inject(RedisKeyPrefix) private readonly prefix: string,
  ) {
    this.startScript = luaCommand(redis, 'litsxgStartAttempt', START_ATTEMPT);
  }

  async startAttempt(key: string, now: number, guardMs: number, expiresAt: number): Promise<AttemptStart> {
    const [started, found] = (await this.startScript(this.prefix, key, String(now), String(now + guardMs), String(expiresAt)) as unknown[]).map(text);
    const record = found === '' ? undefined : decode(found!);
    if (started === '1') return { started: true, previous: record };
    return { started: false, record: record! };
  }

  async set(key: string, record: ThrottleRecord, expiresAt: number): Promise<void> {
    await this.redis.set(this.key(key), `${record.failures}:${record.blockedUntil}:${record.verifying ? 1 : 0}`, 'PXAT', expiresAt);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.key(key));
  }

  private key(key: string): string {
    return `${this.prefix}throttle:${key}`;
  }
}

function decode(record: string): ThrottleRecord {
  const [failures, blockedUntil, verifying] = record.split(':').map(Number);
  return { failures: failures!, blockedUntil: blockedUntil!, verifying: verifying === 1 };
}
