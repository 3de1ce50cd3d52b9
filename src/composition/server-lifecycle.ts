import type { AddressInfo } from 'node:net';
import type { ServeOptions } from '../adapters/cli/serve-options.ts';
import { serveWarnings, type WarnedSettings } from '../adapters/cli/serve-warnings.ts';
import type { PreparedDataDirectory } from '../adapters/system/data-directory.ts';
import type { LogFields, LogLevel, Logger } from '../ports/logger.ts';
import type { BufferLoss } from '../ports/message-buffer.ts';
import type { OnionService } from '../ports/onion-service.ts';

/** Time connections get to receive their bye before they are cut. */
export const SHUTDOWN_GRACE_MS = 2_000;
/** Tor gets this long to remove the onion; closing the control connection removes it anyway. */
const ONION_UNPUBLISH_MS = 1_000;

/** What a server is made of; each part is asked for when its turn to start comes. */
export interface ServerParts {
  /** Prepares and locks the data directory; returns where it is and the release. */
  lockDataDirectory(): PreparedDataDirectory & { release(): void };
  /** Opens (and migrates) the credential store. */
  openCredentials(): Promise<{ close(): Promise<void> }>;
  /** Loads which operators have devices, before the first send; returns the cancel of the reloads that follow. */
  followDevices(): Promise<() => void>;
  /** The Redis connections, when Redis holds any state. */
  redis(): { open(): Promise<void>; checkPersistence(): Promise<void>; close(): Promise<void> } | undefined;
  listener(): { listen(): Promise<AddressInfo>; close(graceMs: number): Promise<void> };
  /** `serve --web`: the web client's listener, whose connections the TCP listener's close says bye to. */
  webListener?(): { listen(): Promise<AddressInfo>; close(): Promise<void> } | undefined;
  /** Starts expiring old messages; returns the cancel. */
  startExpiry(): () => void;
  /** What stopping loses of the queued messages, counted once the last bye has gone. */
  lostOnExit(): BufferLoss;
  onion(): OnionService | undefined;
}

/** The log lines an operator's tooling waits for, written whatever the level, and the others. */
export interface Announcer extends Logger {
  announce(level: LogLevel, event: string, fields?: LogFields): void;
}

export interface RunningServer {
  readonly address: AddressInfo;
  /** The `xxx.onion` address, when an onion service was published. */
  readonly onion: string | undefined;
  /** Byes, onion, Redis, database, lock; never rejects, and stops once however often it is called. */
  stop(): Promise<void>;
}

/** What has started so far, released by `release` in the one order that works. */
interface Held {
  releaseLock?: () => void;
  credentials?: { close(): Promise<void> };
  stopFollowingDevices?: () => void;
  redis?: { close(): Promise<void> };
  listener?: { close(graceMs: number): Promise<void> };
  lostOnExit?: () => BufferLoss;
  webListener?: { close(): Promise<void> };
  cancelExpiry?: () => void;
  onion?: OnionService;
}

/**
 * Starts in one order: lock, credentials, devices (known before any send), Redis, listen (TCP,
 * then web), onion. A step that throws releases what the earlier ones started and the error goes
 * to the caller, which maps it to an exit status.
 */
export async function runServer(parts: ServerParts, options: WarnedSettings & Pick<ServeOptions, 'onionPort'>, logger: Announcer): Promise<RunningServer> {
  const held: Held = {};
  try {
    const directory = parts.lockDataDirectory();
    held.releaseLock = directory.release;
    held.credentials = await parts.openCredentials();
    held.stopFollowingDevices = await parts.followDevices();
    const redis = parts.redis();
    held.redis = redis;
    await redis?.open();
    const listener = parts.listener();
    const address = await listener.listen();
    held.listener = listener;
    held.lostOnExit = () => parts.lostOnExit();
    // PROTOCOL "Command line": the first line says where it listens, with the real port.
    logger.announce('info', 'listening', { host: address.address, port: address.port, registration: options.registration, data_dir: directory.path });
    // Issue 11.2: `./data` follows the working directory, so a new one is reported by its absolute path.
    if (directory.created) logger.log('info', 'data_dir_created', { path: directory.path });
    const webListener = parts.webListener?.();
    const web = await webListener?.listen();
    held.webListener = webListener;
    if (web !== undefined) logger.announce('info', 'web_listening', { host: web.address, port: web.port });
    for (const warning of serveWarnings(options)) logger.log('warn', warning.event, { detail: warning.detail });
    await redis?.checkPersistence();
    held.cancelExpiry = parts.startExpiry();
    const onion = parts.onion();
    const onionAddress = await onion?.publish({ host: address.address, port: address.port }, options.onionPort, web && { host: web.address, port: web.port });
    held.onion = onion;
    if (onionAddress !== undefined) logger.announce('info', 'onion_published', { address: onionAddress, port: options.onionPort, ...(web && { web_port: 80 }) });
    let stopping: Promise<void> | undefined;
    return { address, onion: onionAddress, stop: () => (stopping ??= release(held, logger)) };
  } catch (error) {
    await release(held, logger);
    throw error;
  }
}

/**
 * Byes first, while the onion still carries them to Tor clients; then what the buffer drops is
 * counted (no send comes in any more); then the onion; then Redis, after the byes released
 * presence; the database; the lock. A step that fails does not keep the next from running.
 */
async function release(held: Held, logger: Logger): Promise<void> {
  const quietly = (step: Promise<void> | undefined) => step?.catch(() => undefined);
  // No new page or WebSocket meanwhile; those open get their bye with the TCP connections.
  const webClosed = quietly(held.webListener?.close());
  await quietly(held.listener?.close(SHUTDOWN_GRACE_MS));
  await webClosed;
  logLoss(held, logger);
  held.cancelExpiry?.();
  held.stopFollowingDevices?.();
  await quietly(held.onion && Promise.race([held.onion.unpublish(), new Promise<void>((resolve) => setTimeout(resolve, ONION_UNPUBLISH_MS).unref())]));
  await quietly(held.redis?.close());
  await quietly(held.credentials?.close());
  held.releaseLock?.();
}

/**
 * docs/protocol.md "Restarts": the operator learns how much a stop cost, counts only (never
 * who, never what); clients that see the new boot id re-send what they still hold.
 */
function logLoss(held: Held, logger: Logger): void {
  try {
    const lost = held.lostOnExit?.();
    if (lost !== undefined) logger.log(lost.messages > 0 ? 'warn' : 'info', 'messages_dropped', { messages: lost.messages, recipients: lost.recipients });
  } catch (error) {
    logger.log('warn', 'messages_dropped_uncounted', { reason: (error as Error).message });
  }
}
