import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import type { CiphersuiteName } from 'ts-mls';
import * as assert from 'uvu/assert';
import { CLASSICAL_SUITE } from '../../src/client/conversations/mls-suite.ts';
import { keyLoginMessage } from '../../src/domain/identity-keys.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';
import { ConversationService } from '../../src/client/conversations/conversation-service.ts';
import type { ServiceEvent } from '../../src/client/conversations/service-events.ts';
import { Conversations } from '../../src/client/conversations/conversations.ts';
import { MemoryConversationStore } from '../../src/client/conversations/conversation-store.ts';
import type { DeviceKeys } from '../../src/client/conversations/device-credential.ts';
import { newDevice } from '../../src/client/conversations/device-credential.ts';
import type { ClientFrame, ServerFrame } from '../../src/client/conversations/frame-link.ts';
import { Requests } from '../../src/client/conversations/requests.ts';
import type { ContactKeys, PinnedContact } from '../../src/client/conversations/trust-holds.ts';
import type { Released } from '../../src/client/conversations/trusted-sending.ts';
import { TrustedSending } from '../../src/client/conversations/trusted-sending.ts';
import { toBase64 } from '../../src/client/e2e/base64.ts';
import { inProcessRelay } from './in-process-relay.ts';

type Relay = ReturnType<typeof inProcessRelay>;

/** One device logged in to the in-process relay as `name/device`, with its conversation service. */
export class RelayDevice {
  readonly events: ServiceEvent[] = [];
  /** What this device pinned, by name: on first use, from the identity the relay publishes. */
  readonly pins = new Map<string, PinnedContact>();
  /** The relay ids this device acknowledged. */
  readonly acked: string[] = [];
  sending!: TrustedSending;
  /** Frames of this connection already handed to the service. */
  private seen = 0;
  connection = '';
  service!: ConversationService;
  /** The service's requests, for asking the relay beside it. */
  requests!: Requests;
  /** While false, the device's answers are lost on the way (a crash before the relay's answer). */
  receiving = true;
  /** While set, deliveries (`msg`) wait here, answers still go through: a device that is slow to process. */
  held: ServerFrame[] | undefined;

  constructor(readonly keys: DeviceKeys, readonly store: MemoryConversationStore, private readonly team: RelayTeam) {}

  get mailbox(): string {
    return `${this.keys.name}/${this.keys.device}`;
  }

  /** Logs in by device key (docs/protocol.md "Login as a device") and starts a service on the store. */
  async connect(): Promise<void> {
    const { relay } = this.team;
    this.connection = relay.open();
    this.seen = 0;
    const hello = relay.gateway.sentTo(this.connection)[0] as Extract<OutboundFrame, { op: 'hello' }>;
    const message = new TextEncoder().encode(keyLoginMessage(hello.server_id, hello.challenge, this.mailbox));
    const signature = toBase64(ed25519.sign(message, this.keys.signingSecret));
    await relay.frame(this.connection, { op: 'auth_key', name: this.keys.name, device: this.keys.device, signature });
    // What waited unacknowledged comes right after the welcome: the service gets it.
    this.seen = relay.gateway.sentTo(this.connection).findIndex((f) => f.op === 'welcome') + 1;
    const connection = this.connection;
    const link = { send: (frame: ClientFrame) => void relay.relay.onFrame(connection, JSON.stringify(frame)) };
    const identities = { identityOf: async (name: string) => (name === this.keys.name ? this.team.identityOf(name) : this.pinned(name)?.identity) };
    const core = await Conversations.open({ store: this.store, device: this.keys, identities, suite: this.team.suite });
    this.requests = new Requests(link);
    const ack = (ids: string[]) => {
      this.acked.push(...ids);
      link.send({ op: 'ack', ids });
    };
    this.service = new ConversationService(core, this.requests, (event) => this.events.push(event), ack, this.contactKeys());
    this.sending = new TrustedSending(this.service, this.requests);
  }

  /** `/verify` then `/trust NAME`: the identity the relay publishes now, pinned as verified. */
  async trust(name: string): Promise<Released[]> {
    this.pins.set(name, { identity: (await this.team.identityOf(name))!, verified: true, devices: undefined });
    return this.sending.trusted(name);
  }

  private pinned(name: string): PinnedContact | undefined {
    const published = this.team.published(name);
    if (!this.pins.has(name) && published !== undefined) this.pins.set(name, { identity: published, verified: false, devices: undefined });
    return this.pins.get(name);
  }

  private contactKeys(): ContactKeys {
    return {
      names: () => [...this.pins.keys()],
      pinned: (name) => this.pins.get(name),
      published: async (name) => this.team.published(name) ?? null,
      acknowledge: (name, devices) => {
        const pin = this.pins.get(name);
        if (pin !== undefined) this.pins.set(name, { ...pin, devices });
      },
    };
  }

  /** Hands the service what the relay sent this connection since last time. */
  pump(): void {
    const frames = this.team.relay.gateway.sentTo(this.connection);
    while (this.seen < frames.length) {
      const frame = frames[this.seen++]! as ServerFrame;
      if (this.held !== undefined && frame.op === 'msg') this.held.push(frame);
      else if (this.receiving) this.service.onFrame(frame);
    }
  }

  /** Hands over the deliveries held (see held), in order, and holds no more. */
  release(): void {
    for (const frame of this.held ?? []) this.service.onFrame(frame);
    this.held = undefined;
  }

  texts(): string[] {
    return this.events.flatMap((e) => (e.kind === 'text' ? [`${e.from.name}: ${e.text}`] : []));
  }
}

/**
 * Operators with identities and devices on the in-process relay (test/support/in-process-relay.ts),
 * their frames pumped to their services while a test runs.
 */
export class RelayTeam {
  readonly relay: Relay = inProcessRelay({ config: { sendRatePerSecond: 0 } });
  readonly devices: RelayDevice[] = [];
  private readonly identities = new Map<string, { secret: Uint8Array; public: Uint8Array }>();
  private pumping: ReturnType<typeof setInterval> | undefined;
  private count = 0;

  constructor(readonly suite?: CiphersuiteName) {}

  async identityOf(name: string): Promise<Uint8Array | undefined> {
    return this.identities.get(name)?.public;
  }

  /** The identity the relay hands out for `name` now. */
  published(name: string): Uint8Array | undefined {
    return this.identities.get(name)?.public;
  }

  /** `operator reset-devices NAME`, then NAME starts over with a new identity (its next device is certified by it). */
  async reset(name: string): Promise<void> {
    await this.relay.accounts.resetDevices(name);
    this.identities.delete(name);
    await this.operator(name, false);
  }

  /** A new device of `name`, its operator made (with an identity published) on first use. */
  async device(name: string): Promise<RelayDevice> {
    if (!this.identities.has(name)) await this.operator(name);
    const identity = this.identities.get(name)!;
    const keys = newDevice(name, `dev${++this.count}x`, identity.secret);
    const connection = await this.relay.login(name);
    await this.relay.frame(connection, { op: 'publish_device', device: keys.device, signing: toBase64(keys.signingPublic), certificate: toBase64(keys.certificate) });
    const device = new RelayDevice(keys, new MemoryConversationStore(), this);
    await device.connect();
    this.devices.push(device);
    this.start();
    await device.service.ready();
    return device;
  }

  start(): void {
    this.pumping ??= setInterval(() => { for (const device of this.devices) device.pump(); }, 1);
  }

  stop(): void {
    clearInterval(this.pumping);
    this.pumping = undefined;
  }

  /** Waits until every device has processed what the relay sent it. */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private async operator(name: string, add = true): Promise<void> {
    if (add) await this.relay.addOperators(name);
    const secret = ed25519.utils.randomSecretKey();
    this.identities.set(name, { secret, public: ed25519.getPublicKey(secret) });
    const connection = await this.relay.login(name);
    await this.relay.frame(connection, {
      op: 'publish_key', agreement: toBase64(x25519.getPublicKey(x25519.utils.randomSecretKey())), signing: toBase64(ed25519.getPublicKey(secret)),
    });
  }
}

/** Waits (up to about 6 s) for `check`, then asserts it. */
export async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(check(), what);
}

/** Runs `body` with a team on the classical suite (the cheaper one), its pumping stopped after. */
export async function withRelayTeam(body: (team: RelayTeam) => Promise<void>): Promise<void> {
  const team = new RelayTeam(CLASSICAL_SUITE);
  try {
    await body(team);
  } finally {
    team.stop();
  }
}
