import type { Redis } from 'ioredis';
import { inject, injectable, optional } from 'inversify';
import type { ConnectionId } from '../../domain/session.ts';
import type { OperatorName } from '../../domain/names.ts';
import { Logger } from '../../ports/logger.ts';
import type { Presence } from '../../ports/presence.ts';
import { token } from '../../ports/token.ts';
import { CLAIM, ONLINE, RELEASE, RENEW } from './presence-scripts.ts';
import { RedisClient, RedisKeyPrefix, luaCommand, text } from './redis-client.ts';
import { RedisPresenceHints } from './redis-presence-hints.ts';
import { TurnBatcher } from './turn-batcher.ts';

export interface RedisPresenceOptions {
  /** How long a session outlives its instance's last renewal: a dead server leaves no ghost. */
  readonly ttlMs: number;
}
export const RedisPresenceOptions = token<RedisPresenceOptions>('RedisPresenceOptions');
export const DEFAULT_PRESENCE_TTL_MS = 9_000;
const LOOKUPS_PER_RUN = 1_000;

/**
 * Who is online, shared by every instance on one Redis. Each session key expires; the instance
 * holding the connection renews it every third of the time-to-live while it runs.
 */
@injectable()
export class RedisPresence implements Presence {
  /** The sessions this instance claimed and has not released. */
  private readonly held = new Map<OperatorName, ConnectionId>();
  private renewal: NodeJS.Timeout | undefined;
  private readonly claimScript;
  private readonly releaseScript;
  private readonly renewScript;
  private readonly onlineScript;
  private readonly lookups: TurnBatcher<OperatorName, ConnectionId | undefined>;

  constructor(
    @inject(RedisClient) redis: Redis,
    @inject(RedisKeyPrefix) private readonly prefix: string,
    @inject(RedisPresenceOptions) private readonly options: RedisPresenceOptions,
    @inject(Logger) private readonly logger: Logger,
    @inject(RedisPresenceHints) @optional() private readonly hints?: RedisPresenceHints,
  ) {
    this.claimScript = luaCommand(redis, 'litsxgClaim', CLAIM);
    this.releaseScript = luaCommand(redis, 'litsxgRelease', RELEASE);
    this.renewScript = luaCommand(redis, 'litsxgRenew', RENEW);
    this.onlineScript = luaCommand(redis, 'litsxgOnline', ONLINE);
    this.lookups = new TurnBatcher(
      async (names) => (await redis.mget(names.map((name) => `${prefix}presence:${name}`))).map((found) => found ?? undefined),
      LOOKUPS_PER_RUN,
    );
  }

  async claim(name: OperatorName, connection: ConnectionId): Promise<ConnectionId | undefined> {
    this.hints?.forget(name);
    const previous = await this.claimScript(this.prefix, name, connection, String(this.options.ttlMs));
    // Only a claim that took is renewed: a failed login must not come back as a ghost.
    this.held.set(name, connection);
    return typeof previous === 'string' ? previous : undefined;
  }

  async release(name: OperatorName, connection: ConnectionId): Promise<void> {
    if (this.held.get(name) === connection) this.held.delete(name);
    this.hints?.forget(name);
    await this.releaseScript(this.prefix, name, connection);
  }

  /** Answered at once when the buffer just read it (a send, an ack); else the lookups of one turn share one MGET. */
  lookup(name: OperatorName): ConnectionId | undefined | Promise<ConnectionId | undefined> {
    const hint = this.hints === undefined ? null : this.hints.get(name);
    return hint === null ? this.lookups.submit(name) : hint;
  }

  async online(): Promise<OperatorName[]> {
    return ((await this.onlineScript(this.prefix)) as unknown[]).map(text).sort();
  }

  /** Starts renewing this instance's sessions. */
  start(): void {
    this.renewal ??= setInterval(() => void this.renew(), this.options.ttlMs / 3);
    this.renewal.unref();
  }

  stop(): void {
    clearInterval(this.renewal);
    this.renewal = undefined;
  }

  async renew(): Promise<void> {
    if (this.held.size === 0) return;
    const pairs = [...this.held].flat();
    try {
      await this.renewScript(this.prefix, String(this.options.ttlMs), ...pairs);
    } catch (error) {
      this.logger.log('warn', 'presence_renewal_failed', { reason: (error as Error).message });
    }
  }
}
