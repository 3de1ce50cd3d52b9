import { writeFile } from 'node:fs/promises';
import type { Logger } from '../../ports/logger.ts';
import type { OnionService } from '../../ports/onion-service.ts';
import type { OnionStatus } from '../../ports/onion-status.ts';
import { Backoff } from './backoff.ts';
import { generateOnionClientKey } from './onion-client-key.ts';
import { TorControlError } from './tor-control-error.ts';
import { TorControlOnionService, type TorControlOnionServiceOptions } from './tor-control-onion-service.ts';

export interface ReconnectingOnionServiceOptions extends Omit<TorControlOnionServiceOptions, 'onLost' | 'onPowUnsupported'> {
  readonly logger: Logger;
  /** Where the address is written once published, as tor writes `hostname`: `operator onion-key` reads it. */
  readonly hostnameFile?: string;
  /** With `--onion-client-auth`: the operators' public keys, read again every `clientAuthPollMs`. */
  readonly clientAuthKeys?: () => Promise<readonly string[]>;
  readonly clientAuthPollMs?: number;
  /** How long the onion may stay down before `onGiveUp` is told; undefined: forever. */
  readonly giveUpAfterMs?: number;
  readonly onGiveUp?: () => void;
  readonly backoff?: Backoff;
}

/**
 * The onion, kept up: when the control connection drops (tor restarted, or stopped for a while)
 * it connects again with backoff, authenticates again (a restarted tor has a new cookie) and
 * publishes the same key, so the same address. The first publish is not retried: a server that
 * cannot publish at start says so and exits.
 */
export class ReconnectingOnionService implements OnionService, OnionStatus {
  private readonly tor: TorControlOnionService;
  private readonly backoff: Backoff;
  private readonly logger: Logger;
  private published: { target: { host: string; port: number }; virtualPort: number; web?: { host: string; port: number }; address: string } | undefined;
  private keys: readonly string[] | undefined;
  private lostAt: number | undefined;
  private retry: NodeJS.Timeout | undefined;
  private giveUp: NodeJS.Timeout | undefined;
  private poll: NodeJS.Timeout | undefined;
  private refusedKeys: string | undefined;
  /** One change at a time: a slow DEL_ONION/ADD_ONION must not meet the next poll's. */
  private following = false;
  private stopped = false;
  /** With client authorization and no operator yet, a key nobody holds: tor wants at least one. */
  private readonly nobody = generateOnionClientKey().publicKey;

  constructor(private readonly options: ReconnectingOnionServiceOptions) {
    this.logger = options.logger;
    this.backoff = options.backoff ?? new Backoff();
    this.tor = new TorControlOnionService({
      ...options,
      onLost: (error) => this.lost(error),
      onPowUnsupported: (reply) => this.logger.log('warn', 'onion_pow_unsupported', { reply }),
    });
  }

  get onion(): 'up' | 'down' {
    return this.published !== undefined && this.lostAt === undefined ? 'up' : 'down';
  }

  get pow(): boolean {
    return this.tor.pow;
  }

  /** The `xxx.onion` address once published: the web client's WebSocket admits pages of this origin. */
  get address(): string | undefined {
    return this.published?.address;
  }

  async publish(target: { host: string; port: number }, virtualPort: number, web?: { host: string; port: number }): Promise<string> {
    this.keys = await this.clientKeys();
    const address = await this.tor.publish(target, virtualPort, web, this.keys);
    this.published = { target, virtualPort, web, address };
    this.logger.log('info', 'onion_defences', {
      pow: this.tor.pow,
      max_streams: this.options.protections?.maxStreams ?? 0,
      client_auth: this.keys === undefined ? 'off' : `${this.keys.includes(this.nobody) ? 0 : this.keys.length} operators`,
    });
    if (this.options.hostnameFile !== undefined) await writeFile(this.options.hostnameFile, `${address}\n`, { mode: 0o600 });
    const every = this.options.clientAuthPollMs ?? 2_000;
    if (this.options.clientAuthKeys) this.poll = setInterval(() => void this.followClientKeys(), every).unref();
    return address;
  }

  async unpublish(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearTimeout(this.giveUp);
    clearInterval(this.poll);
    await this.tor.unpublish();
  }

  private lost(error: TorControlError): void {
    if (this.stopped) return;
    this.lostAt = Date.now();
    this.logger.log('error', 'onion_lost', { address: this.published?.address, reason: error.message });
    if (this.options.giveUpAfterMs !== undefined) {
      this.giveUp = setTimeout(() => this.options.onGiveUp?.(), this.options.giveUpAfterMs).unref();
    }
    this.schedule();
  }

  private schedule(): void {
    const delay = this.backoff.next();
    this.retry = setTimeout(() => void this.restore(delay), delay).unref();
  }

  private async restore(waited: number): Promise<void> {
    const published = this.published;
    if (this.stopped || published === undefined) return;
    try {
      this.keys = await this.clientKeys();
      await this.tor.publish(published.target, published.virtualPort, published.web, this.keys);
    } catch (error) {
      this.logger.log('warn', 'onion_retry_failed', { reason: (error as Error).message, waited_ms: Math.round(waited) });
      this.schedule();
      return;
    }
    if (this.stopped) return void (await this.tor.unpublish());
    const downtime = Date.now() - (this.lostAt ?? Date.now());
    this.lostAt = undefined;
    this.backoff.reset();
    clearTimeout(this.giveUp);
    this.logger.log('info', 'onion_restored', { address: published.address, downtime_ms: downtime });
  }

  /** A running server follows `operator add` and `operator remove`: same address, new key list. */
  private async followClientKeys(): Promise<void> {
    if (this.following) return;
    this.following = true;
    try {
      await this.changeClientKeys();
    } finally {
      this.following = false;
    }
  }

  private async changeClientKeys(): Promise<void> {
    let keys: readonly string[];
    try {
      keys = (await this.clientKeys()) ?? [];
    } catch (error) {
      this.logger.log('warn', 'onion_client_keys_unreadable', { reason: (error as Error).message });
      return;
    }
    const listed = keys.join(' ');
    if (listed === this.keys?.join(' ') || listed === this.refusedKeys || this.onion === 'down') return;
    try {
      await this.tor.changeClientAuth(keys);
      this.keys = keys;
      this.refusedKeys = undefined;
      this.logger.log('info', 'onion_clients_changed', { clients: keys.includes(this.nobody) ? 0 : keys.length });
    } catch (error) {
      if (!(error instanceof TorControlError)) throw error;
      // The connection went away meanwhile: the restore publishes the list it reads then.
      if (error.reason === 'closed') return;
      // Refused: tor still serves the previous list. Tried again once the list changes.
      this.refusedKeys = listed;
      this.logger.log('error', 'onion_clients_refused', { reason: error.message });
    }
  }

  private async clientKeys(): Promise<readonly string[] | undefined> {
    if (!this.options.clientAuthKeys) return undefined;
    const keys = [...(await this.options.clientAuthKeys())].sort();
    return keys.length > 0 ? keys : [this.nobody];
  }
}
