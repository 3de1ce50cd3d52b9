import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import type { ConversationStore } from '../conversations/conversation-store.ts';
import type { DeviceHolder, Identity, StoredDevice } from '../device-holder.ts';
import { fromBase64, toBase64 } from '../e2e/base64.ts';
import type { Pin } from '../trust/key-trust.ts';

const IDENTITY = 'keys/identity';
const DEVICE = 'keys/device';

/**
 * The browser's key store (the terminal's is files, e2e/key-store.ts): the operator identity and
 * this device, as values of the passphrase-sealed IndexedDB store, beside the conversations.
 * The device steps change it synchronously (DeviceHolder); each change is written in order, and
 * `flush` waits for them.
 */
export class BrowserKeys implements DeviceHolder {
  private writes: Promise<unknown> = Promise.resolve();
  private granted: ReadonlyMap<string, Pin> = new Map();

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

  /**
   * Kept in memory until the pins are read (PinnedIdentities.open takes them), right after the
   * login as the approved device: the rule of which to take needs the pins the store has.
   */
  adoptPins(granted: ReadonlyMap<string, Pin>): void {
    this.granted = granted;
  }

  /** The pins the last grant carried, once. */
  takeGrantedPins(): ReadonlyMap<string, Pin> {
    const granted = this.granted;
    this.granted = new Map();
    return granted;
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
