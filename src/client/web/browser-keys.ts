import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import type { ConversationStore } from '../conversations/conversation-store.ts';
import type { IdentityResolver } from '../conversations/device-client-config.ts';
import type { ServerFrame } from '../conversations/frame-link.ts';
import { RelayRefusal } from '../conversations/requests.ts';
import type { Requests } from '../conversations/requests.ts';
import type { DeviceHolder, Identity, StoredDevice } from '../device-holder.ts';
import { fromBase64, toBase64 } from '../e2e/base64.ts';
import { safetyNumber } from '../trust/safety-number.ts';

const IDENTITY = 'keys/identity';
const DEVICE = 'keys/device';
const PIN = 'pin/';

/**
 * The browser's key store (the terminal's is files, e2e/key-store.ts): the operator identity and
 * this device, as values of the passphrase-sealed IndexedDB store, beside the conversations.
 * The device steps change it synchronously (DeviceHolder); each change is written in order, and
 * `flush` waits for them.
 */
export class BrowserKeys implements DeviceHolder {
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly store: ConversationStore, private ownIdentity: Identity, private storedDevice: StoredDevice | undefined) {}

  /** Opens the keys the store holds, making an identity (Ed25519 signing, X25519 agreement) the first time. */
  static async open(store: ConversationStore): Promise<BrowserKeys> {
    const saved = await readJson(store, IDENTITY) as { agreement?: string; signing?: string } | undefined;
    const agreement = saved === undefined ? undefined : fromBase64(saved.agreement ?? '', 32);
    const signing = saved === undefined ? undefined : fromBase64(saved.signing ?? '', 32);
    const keys = new BrowserKeys(store, identityOf(agreement ?? x25519.utils.randomSecretKey(), signing ?? ed25519.utils.randomSecretKey()), readDevice(await readJson(store, DEVICE)));
    if (agreement === undefined || signing === undefined) keys.writeIdentity();
    await keys.flush();
    return keys;
  }

  get identity(): Identity {
    return this.ownIdentity;
  }

  get device(): StoredDevice | undefined {
    return this.storedDevice;
  }

  setDevice(device: StoredDevice): void {
    this.storedDevice = device;
    this.write(DEVICE, {
      device: device.device, signingSecret: toBase64(device.signingSecret), published: device.published, storageKey: toBase64(device.storageKey),
      ...(device.certificate === undefined ? {} : { certificate: toBase64(device.certificate) }),
      ...(device.agreementSecret === undefined ? {} : { agreementSecret: toBase64(device.agreementSecret) }),
    });
  }

  adoptIdentity(agreementSecret: Uint8Array, signingSecret: Uint8Array): void {
    this.ownIdentity = identityOf(agreementSecret, signingSecret);
    this.writeIdentity();
  }

  /** Until every change so far is stored. */
  async flush(): Promise<void> {
    await this.writes;
  }

  private writeIdentity(): void {
    this.write(IDENTITY, { agreement: toBase64(this.ownIdentity.agreementSecret), signing: toBase64(this.ownIdentity.signingSecret) });
  }

  private write(key: string, value: object): void {
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    this.writes = this.writes.then(() => this.store.put(key, bytes));
  }
}

/**
 * The operator identity keys MLS leaves must be certified by, as the terminal's EndToEnd gives
 * them: ours, or the one pinned on first use (fetched from the relay once, then kept in the store).
 */
export class PinnedIdentities implements IdentityResolver {
  constructor(private readonly store: ConversationStore, private readonly me: string, private readonly keys: BrowserKeys, private readonly requests: Requests) {}

  async identityOf(name: string): Promise<Uint8Array | undefined> {
    if (name === this.me) return fromBase64(this.keys.identity.public.signing, 32);
    const pinned = await this.store.get(PIN + name);
    if (pinned !== undefined) return pinned;
    let answer: Extract<ServerFrame, { op: 'key' }>;
    try {
      answer = await this.requests.ask<Extract<ServerFrame, { op: 'key' }>>({ op: 'fetch_key', name });
    } catch (error) {
      if (error instanceof RelayRefusal) return undefined;
      throw error;
    }
    const signing = fromBase64(answer.signing, 32);
    if (signing !== undefined) await this.store.put(PIN + name, signing);
    return signing;
  }

  /** The terminal's `/verify NAME` number, for the key pinned for `name` (the same on both sides). */
  async safetyNumber(name: string): Promise<string> {
    const theirs = await this.identityOf(name);
    if (theirs === undefined) throw new Error(`${name} has no identity key on this server`);
    return safetyNumber({ name: this.me, signingKey: fromBase64(this.keys.identity.public.signing, 32)! }, { name, signingKey: theirs });
  }
}

function identityOf(agreementSecret: Uint8Array, signingSecret: Uint8Array): Identity {
  return { agreementSecret, signingSecret, public: { agreement: toBase64(x25519.getPublicKey(agreementSecret)), signing: toBase64(ed25519.getPublicKey(signingSecret)) } };
}

async function readJson(store: ConversationStore, key: string): Promise<unknown> {
  const bytes = await store.get(key);
  return bytes === undefined ? undefined : JSON.parse(new TextDecoder().decode(bytes));
}

function readDevice(value: unknown): StoredDevice | undefined {
  const saved = value as { device?: string; signingSecret?: string; published?: boolean; storageKey?: string; certificate?: string; agreementSecret?: string } | undefined;
  if (saved?.device === undefined) return undefined;
  const signingSecret = fromBase64(saved.signingSecret ?? '', 32);
  const storageKey = fromBase64(saved.storageKey ?? '', 32);
  if (signingSecret === undefined || storageKey === undefined) return undefined;
  return {
    device: saved.device, signingSecret, storageKey, published: saved.published === true,
    certificate: saved.certificate === undefined ? undefined : fromBase64(saved.certificate, 64),
    agreementSecret: saved.agreementSecret === undefined ? undefined : fromBase64(saved.agreementSecret, 32),
  };
}
