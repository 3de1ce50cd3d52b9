import type { RedisBootId } from './redis-boot-id.ts';
import type { RedisConnections } from './redis-connections.ts';
import type { RedisInstanceListener } from './redis-instance-listener.ts';
import type { RedisPresence } from './redis-presence.ts';

/** The Redis side of a server's life: connect before listening, let go after the last bye. */
export class RedisScaleOut {
  constructor(
    private readonly connections: RedisConnections,
    private readonly boot: RedisBootId,
    private readonly presence: RedisPresence | undefined,
    private readonly listener: RedisInstanceListener | undefined,
  ) {}

  /** Throws RedisUnavailableError when Redis cannot be reached. */
  async open(): Promise<void> {
    await this.connections.open();
    await this.boot.open();
    await this.listener?.start();
    this.presence?.start();
  }

  /** Warns (a log event) when Redis writes to disk: called once the server has said where it listens. */
  checkPersistence(): Promise<void> {
    return this.connections.checkPersistence();
  }

  async close(): Promise<void> {
    this.presence?.stop();
    await this.connections.close();
  }
}
