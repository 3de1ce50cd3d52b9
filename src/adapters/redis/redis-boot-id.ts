import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BootId } from '../../ports/boot-id.ts';
import type { Logger } from '../../ports/logger.ts';

/**
 * The queues live in Redis and outlive this process: the boot id is the buffer's, kept in Redis
 * beside the queues (`<prefix>boot`), shared by every instance on it and kept across their
 * restarts. A Redis that lost its data lost the key with the queues: the first instance to see
 * it missing writes a new one (SET NX), the others read that one. It is read at start and on
 * every reconnection to Redis, which is when a loss can be seen.
 */
export class RedisBootId implements BootId {
  private current: string | undefined;

  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly logger: Logger) {}

  get id(): string {
    if (this.current === undefined) throw new Error('the boot id is read once Redis is open');
    return this.current;
  }

  /** Reads (or makes) the id once Redis is connected, and again after each reconnection. */
  async open(): Promise<void> {
    await this.read();
    this.redis.on('ready', () => void this.read().catch((error: Error) => this.logger.log('warn', 'boot_id_unread', { reason: error.message })));
  }

  private async read(): Promise<void> {
    const key = `${this.prefix}boot`;
    await this.redis.set(key, randomBytes(16).toString('base64url'), 'NX');
    const id = await this.redis.get(key);
    if (id === null) throw new Error('the boot id vanished as it was written');
    if (this.current !== undefined && id !== this.current) this.logger.log('warn', 'redis_queues_lost');
    this.current = id;
  }
}
