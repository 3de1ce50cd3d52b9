import { Redis } from 'ioredis';
import type { Logger } from '../../ports/logger.ts';

/** Redis cannot be reached (or refuses us) when the server starts. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** How long one command may take before its frame gets `internal`: Redis answers in well under a millisecond. */
const COMMAND_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 1_000;

/**
 * The two connections a server keeps to Redis: one for commands, one subscribed to this
 * instance's channel. While Redis is away, commands fail at once (no offline queue) so a
 * sender learns it; both reconnect by themselves, and the subscription is renewed.
 */
export class RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;
  private closing = false;
  /** What ioredis last reported (refused, wrong password, TLS): its own rejection only says "Connection is closed". */
  private lastError: Error | undefined;

  constructor(private readonly url: string, private readonly logger: Logger) {
    const options = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 5_000,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
    };
    this.commands = new Redis(url, { ...options, connectionName: 'litsxg' });
    this.subscriber = new Redis(url, { ...options, commandTimeout: undefined, connectionName: 'litsxg-subscriber' });
    this.watch(this.commands);
  }

  /** Connects both, or throws RedisUnavailableError. */
  async open(): Promise<void> {
    // Both attempts end before either is cut: a TLS socket cut mid-handshake reports its error
    // where nothing listens any more, which would crash the process.
    const failed = (await Promise.allSettled([this.commands.connect(), this.subscriber.connect()]))
      .find((attempt) => attempt.status === 'rejected');
    if (failed === undefined) return;
    this.disconnect();
    throw new RedisUnavailableError(`cannot use Redis at ${withoutPassword(this.url)}: ${(this.lastError ?? (failed.reason as Error)).message}`);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
    this.disconnect();
  }

  /**
   * The operator manual promises that message content is not stored persistently: a Redis that
   * snapshots (`save`) or logs (`appendonly`) to disk would write queued bodies there.
   */
  async checkPersistence(): Promise<void> {
    try {
      const [, save] = (await this.commands.config('GET', 'save')) as string[];
      const [, appendonly] = (await this.commands.config('GET', 'appendonly')) as string[];
      if ((save ?? '') !== '' || appendonly === 'yes') {
        this.logger.log('warn', 'redis_persists', { save: save ?? '', appendonly: appendonly ?? 'unknown', advice: "run redis-server --save '' --appendonly no" });
      }
    } catch (error) {
      this.logger.log('warn', 'redis_persistence_unknown', { reason: (error as Error).message });
    }
  }

  /** Logs losing Redis and getting it back, once each (ioredis retries quietly in between). */
  private watch(redis: Redis): void {
    let up = false;
    let lost = false;
    redis.on('ready', () => {
      up = true;
      if (lost) this.logger.log('info', 'redis_back');
      lost = false;
    });
    redis.on('close', () => {
      if (up && !this.closing) this.logger.log('warn', 'redis_unavailable', { reason: this.lastError?.message });
      lost ||= up;
      up = false;
    });
    // ioredis reports every failed reconnection here; `redis_unavailable` said it once.
    const remember = (error: Error): void => {
      this.lastError = error;
    };
    redis.on('error', remember);
    this.subscriber.on('error', remember);
  }

  private disconnect(): void {
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}

/** The URL to name in messages: `redis://user@host:port/db`, never the password. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(an unparsable Redis URL)';
  }
}
