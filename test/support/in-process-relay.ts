import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import { InMemoryPresence } from '../../src/adapters/memory/in-memory-presence.ts';
import { InMemorySenderBuckets } from '../../src/adapters/memory/in-memory-sender-buckets.ts';
import { InMemorySessionStore } from '../../src/adapters/memory/in-memory-session-store.ts';
import { InMemoryThrottleStore } from '../../src/adapters/memory/in-memory-throttle-store.ts';
import { NodeEd25519Verifier } from '../../src/adapters/crypto/node-ed25519-verifier.ts';
import { SodiumEd25519Verifier } from '../../src/adapters/crypto/sodium-ed25519-verifier.ts';
import { RandomChallenges } from '../../src/adapters/system/random-challenges.ts';
import { Authenticator } from '../../src/domain/authenticator.ts';
import { DeviceMailboxes } from '../../src/domain/device-mailboxes.ts';
import { GroupDelivery } from '../../src/domain/group-delivery.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { OperatorAccounts } from '../../src/domain/operator-accounts.ts';
import { OperatorKeys } from '../../src/domain/operator-keys.ts';
import { Relay } from '../../src/domain/relay.ts';
import type { RelayConfig } from '../../src/domain/relay-config.ts';
import { Router } from '../../src/domain/router.ts';
import { PresenceWatchers } from '../../src/domain/presence-watchers.ts';
import { SessionOpener } from '../../src/domain/session-opener.ts';
import type { CredentialRepository } from '../../src/ports/credential-repository.ts';
import type { GroupDirectory } from '../../src/ports/group-directory.ts';
import type { OnionStatus } from '../../src/ports/onion-status.ts';
import type { MessageBuffer } from '../../src/ports/message-buffer.ts';
import type { Presence } from '../../src/ports/presence.ts';
import { KeyFrames } from '../../src/domain/key-frames.ts';
import { ExistingMailboxes } from '../../src/domain/existing-mailboxes.ts';
import { OperatorDevices } from '../../src/domain/operator-devices.ts';
import { InMemoryDevices } from './device-fakes.ts';
import { InMemoryCredentialRepository, InMemoryGroupDirectory, InMemoryKeyDirectory, ManualClock, PlainPasswordHasher, RecordingGateway, RecordingLogger } from './fakes.ts';
import { PASSWORD } from './seed-operators.ts';

export const TEST_CONFIG: RelayConfig = {
  registration: 'closed',
  maxConnections: 100,
  maxBodyBytes: 16384,
  sendRatePerSecond: 0,
  maxHandshakeBytes: 1024 * 1024,
  buffer: { maxMessagesPerRecipient: 1000, maxBytesPerRecipient: 4 * 1024 * 1024, maxBytesTotal: 256 * 1024 * 1024, ttlMs: 7 * 86_400_000 },
};

/**
 * How the ports answer: `sync`, at once, as the memory adapters do in production; `async`,
 * later through a promise, as Redis and SQL do. The core has a path for each: suites run twice.
 */
export type PortMode = 'sync' | 'async';
export const PORT_MODES: readonly PortMode[] = ['sync', 'async'];

/** Lets what a frame set off and did not wait for (a push, with ports answering later) end. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

/**
 * The same port, each call made on a later tick and answered through a promise: what it throws
 * becomes a rejection, as with an adapter that does I/O. Methods replaced by a test are wrapped too.
 */
export function answeringLater<T extends object>(port: T): T {
  return new Proxy(port, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => Promise.resolve().then(() => value.apply(target, args));
    },
  });
}

/**
 * The handler core on memory adapters and fakes, with no I/O at all (STYLE 4): events go in
 * through `relay`, frames come out in `gateway`. The ports the core may find answering either
 * way (buffer, presence, credentials) answer as `mode` says; `sync` unless told.
 */
export function inProcessRelay(overrides: { config?: Partial<RelayConfig>; buffer?: MessageBuffer; mode?: PortMode; onion?: OnionStatus; groups?: GroupDirectory } = {}) {
  const config = { ...TEST_CONFIG, ...overrides.config };
  const inMode = <T extends object>(port: T): T => (overrides.mode === 'async' ? answeringLater(port) : port);
  const clock = new ManualClock();
  const gateway = new RecordingGateway();
  const credentials: CredentialRepository = inMode(new InMemoryCredentialRepository());
  const hasher = new PlainPasswordHasher();
  const logger = new RecordingLogger();
  const sessions = new InMemorySessionStore();
  const presence: Presence = inMode(new InMemoryPresence());
  const buffer: MessageBuffer = inMode(overrides.buffer ?? new InMemoryMessageBuffer());
  const directory = new InMemoryKeyDirectory(credentials);
  const devices = new InMemoryDevices(credentials, directory, clock);
  const accounts = new OperatorAccounts(credentials, hasher, directory, devices, devices);
  const authenticator = new Authenticator(credentials, hasher, new InMemoryThrottleStore(clock), clock);
  const verifier = new SodiumEd25519Verifier(new NodeEd25519Verifier(), logger);
  const keys = new OperatorKeys(directory, devices, credentials, verifier, new RandomChallenges(), authenticator, 'test-server');
  const fetchBuckets = new InMemorySenderBuckets();
  // Not started: a test that wants the once-a-second reload starts it (a timer on the clock).
  const deviceMailboxes = new DeviceMailboxes(devices, clock, logger);
  const operatorDevices = new OperatorDevices(devices, devices, directory, credentials, verifier, fetchBuckets, clock, deviceMailboxes);
  const keyFrames = new KeyFrames(keys, operatorDevices, gateway, presence, sessions, logger);
  const router = new Router(buffer, presence, gateway, sessions, credentials, deviceMailboxes, new InMemorySenderBuckets(), clock, logger, config);
  const groupDirectory = overrides.groups ?? new InMemoryGroupDirectory();
  const watchers = new PresenceWatchers(groupDirectory, presence, gateway, (from) => router.frameWait(from));
  const opener = new SessionOpener(presence, buffer, gateway, sessions, router, clock, watchers);
  const existing = new ExistingMailboxes(credentials, devices);
  const groups = new GroupDelivery(router, groupDirectory, existing, gateway, config);
  const relay = new Relay({
    sessions, gateway, presence, router, opener, authenticator, accounts, keys, keyFrames, groups, watchers, logger, config,
    boot: { id: 'test-boot' }, onion: overrides.onion,
  });
  let next = 0;
  const harness = {
    relay, router, gateway, credentials, existing, directory, devices, deviceMailboxes, groupDirectory, hasher, logger, sessions, presence, buffer, accounts, clock, config,
    /** Adds operators with PASSWORD. */
    async addOperators(...names: string[]) {
      for (const name of names) await accounts.add(name, PASSWORD);
    },
    /** Opens a connection and returns its id. */
    open(): string {
      const id = `c-${++next}`;
      relay.onOpen(id);
      return id;
    },
    /** Handles one frame, and what it set off; returns what the connection got meanwhile. */
    async frame(connection: string, frame: object | string): Promise<OutboundFrame[]> {
      const before = gateway.sentTo(connection).length;
      await relay.onFrame(connection, typeof frame === 'string' ? frame : JSON.stringify(frame));
      await settled();
      return gateway.sentTo(connection).slice(before);
    },
    /** Opens a connection and authenticates it. */
    async login(name: string): Promise<string> {
      const connection = harness.open();
      await harness.frame(connection, { op: 'auth', name, password: PASSWORD });
      return connection;
    },
    last(connection: string): OutboundFrame | undefined {
      return gateway.sentTo(connection).at(-1);
    },
  };
  return harness;
}

/** alice, bob and carol as operators, alice logged in: where most message tests start. */
export async function relayWithAlice(mode: PortMode, config: Partial<RelayConfig> = {}) {
  const h = inProcessRelay({ config, mode });
  await h.addOperators('alice', 'bob', 'carol');
  const alice = await h.login('alice');
  return { h, alice };
}
