import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { chmodSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PublicIdentity } from '../../domain/identity-keys.ts';
import { openWithPassphrase, sealWithPassphrase } from '../trust/passphrase-seal.ts';
import type { Pin, PinStore } from '../trust/key-trust.ts';
import { parsePins, pinsToAdopt } from '../trust/granted-pins.ts';
import type { SeenEnvelope } from '../trust/replay-guard.ts';
import { fromBase64, toBase64 } from './base64.ts';
import { KeyStoreError } from './key-store-error.ts';
import { writeFileDurably } from '../durable-file.ts';
import type { Identity, StoredDevice } from '../device-holder.ts';

export type { Identity, StoredDevice } from '../device-holder.ts';

export type { Pin } from '../trust/key-trust.ts';

const IDENTITY_FILE = 'identity.json';
const STATE_FILE = 'state.json';
const PINS_FILE = 'pins.json';
const SEEN_FILE = 'seen.json';
const DEVICE_FILE = 'device.json';


/**
 * One identity's key store: a directory (0700) of files (0600), each written durably then renamed
 * over. `identity.json` holds the two secret keys, in clear or encrypted under a passphrase;
 * `state.json` whether the identity is published on the server; `pins.json` the keys pinned for
 * other operators (trust on first use, or verified);
 * `seen.json` the envelopes already shown (ids and signed times), against replays.
 * A damaged file is reported, never replaced: replacing it would lose the identity.
 */
export class KeyStore implements PinStore {
  private constructor(
    private readonly dir: string,
    private ownIdentity: Identity,
    private state: { published: boolean },
    private readonly pins: Map<string, Pin>,
    private seen: readonly SeenEnvelope[],
    private storedDevice: StoredDevice | undefined,
    /** Kept to seal device.json as identity.json is, when the store is encrypted. */
    private readonly passphrase: string | undefined,
  ) {}

  /**
   * A device approved by another takes the operator's identity (docs/protocol.md "Approval"):
   * this store's own, never published, is replaced by it.
   */
  adoptIdentity(agreementSecret: Uint8Array, signingSecret: Uint8Array): void {
    const plain = {
      version: 1,
      agreement: { secret: toBase64(agreementSecret), public: toBase64(x25519.getPublicKey(agreementSecret)) },
      signing: { secret: toBase64(signingSecret), public: toBase64(ed25519.getPublicKey(signingSecret)) },
    };
    writeJson(this.dir, IDENTITY_FILE, KeyStore.isSealed(this.dir) ? sealed(plain, this.passphrase!) : plain);
    this.ownIdentity = parseIdentity(plain)!;
    this.setPublished(true);
  }

  /** The directory, for the conversation store kept beside the keys. */
  get directory(): string {
    return this.dir;
  }

  get device(): StoredDevice | undefined {
    return this.storedDevice;
  }

  /** Written like identity.json: encrypted under the passphrase when the store is. */
  setDevice(device: StoredDevice): void {
    const plain = {
      version: 1, device: device.device, signingSecret: toBase64(device.signingSecret), published: device.published, storageKey: toBase64(device.storageKey),
      ...(device.certificate === undefined ? {} : { certificate: toBase64(device.certificate) }),
      ...(device.agreementSecret === undefined ? {} : { agreementSecret: toBase64(device.agreementSecret) }),
    };
    writeJson(this.dir, DEVICE_FILE, KeyStore.isSealed(this.dir) ? sealed(plain, this.passphrase!) : plain);
    this.storedDevice = device;
  }

  get identity(): Identity {
    return this.ownIdentity;
  }

  /** Whether a store (an identity) exists at `dir`. */
  static exists(dir: string): boolean {
    return exists(join(dir, IDENTITY_FILE));
  }

  /** Whether the identity's secrets are encrypted under a passphrase (one is then needed to open it). */
  static isSealed(dir: string): boolean {
    return exists(join(dir, IDENTITY_FILE)) && typeof (readJson(dir, IDENTITY_FILE) as { sealed?: unknown } | undefined)?.sealed === 'string';
  }

  /**
   * Opens the store at `dir`, creating it and a new identity when it does not exist. With
   * `encrypt`, secrets kept in clear are encrypted under `passphrase` from now on.
   */
  static open(dir: string, secrets: { passphrase?: string; encrypt?: boolean } = {}): KeyStore {
    const { passphrase, encrypt = false } = secrets;
    if (encrypt && passphrase === undefined) throw new KeyStoreError('encrypting the keys needs a passphrase: set LITSXG_KEY_PASSPHRASE, or start the client in a terminal to be asked');
    let created = false;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
      created = !exists(join(dir, IDENTITY_FILE));
      if (created) writeJson(dir, IDENTITY_FILE, encrypt ? sealed(newIdentity(), passphrase!) : newIdentity());
    } catch (error) {
      throw new KeyStoreError(`cannot use key store ${dir}: ${(error as Error).message}`);
    }
    const file = unsealed(dir, readJson(dir, IDENTITY_FILE), passphrase);
    const identity = parseIdentity(file);
    if (identity === undefined) throw damaged(dir, IDENTITY_FILE);
    if (encrypt && !KeyStore.isSealed(dir)) writeJson(dir, IDENTITY_FILE, sealed(file as object, passphrase!));
    const state = created || !exists(join(dir, STATE_FILE)) ? { published: false } : readJson(dir, STATE_FILE);
    if (typeof (state as { published?: unknown }).published !== 'boolean') throw damaged(dir, STATE_FILE);
    const pins = exists(join(dir, PINS_FILE)) ? parsePins(readJson(dir, PINS_FILE)) : new Map<string, Pin>();
    if (pins === undefined) throw damaged(dir, PINS_FILE);
    const seen = exists(join(dir, SEEN_FILE)) ? parseSeen(readJson(dir, SEEN_FILE)) : [];
    if (seen === undefined) throw damaged(dir, SEEN_FILE);
    const device = exists(join(dir, DEVICE_FILE)) ? parseDevice(unsealed(dir, readJson(dir, DEVICE_FILE), passphrase)) : undefined;
    if (device === null) throw damaged(dir, DEVICE_FILE);
    return new KeyStore(dir, identity, state as { published: boolean }, pins, seen, device, passphrase);
  }

  get published(): boolean {
    return this.state.published;
  }

  setPublished(published: boolean): void {
    this.state = { published };
    writeJson(this.dir, STATE_FILE, this.state);
  }

  pin(name: string): Pin | undefined {
    return this.pins.get(name);
  }

  /** Every name pinned. */
  pinnedNames(): string[] {
    return [...this.pins.keys()];
  }

  setPin(name: string, identity: PublicIdentity, verified: boolean): void {
    this.pins.set(name, { identity, verified });
    writeJson(this.dir, PINS_FILE, Object.fromEntries(this.pins));
  }

  /** docs/protocol.md "Approval": the approving device's pins, in one write. */
  adoptPins(granted: ReadonlyMap<string, Pin>): void {
    const taken = pinsToAdopt((name) => this.pins.get(name), granted);
    if (taken.size === 0) return;
    for (const [name, pin] of taken) this.pins.set(name, pin);
    writeJson(this.dir, PINS_FILE, Object.fromEntries(this.pins));
  }

  setPinDevices(name: string, devices: readonly string[]): void {
    const pin = this.pins.get(name);
    if (pin === undefined) return;
    this.pins.set(name, { ...pin, devices: [...devices] });
    writeJson(this.dir, PINS_FILE, Object.fromEntries(this.pins));
  }

  get seenEnvelopes(): readonly SeenEnvelope[] {
    return this.seen;
  }

  setSeenEnvelopes(seen: readonly SeenEnvelope[]): void {
    this.seen = seen;
    writeJson(this.dir, SEEN_FILE, seen);
  }
}

function newIdentity(): object {
  const agreement = x25519.keygen();
  const signing = ed25519.keygen();
  return {
    version: 1,
    agreement: { secret: toBase64(agreement.secretKey), public: toBase64(agreement.publicKey) },
    signing: { secret: toBase64(signing.secretKey), public: toBase64(signing.publicKey) },
  };
}

/** identity.json as `{version, sealed}`: its plain form, as JSON, encrypted (src/client/trust/passphrase-seal.ts). */
function sealed(identity: object, passphrase: string): object {
  return { version: 1, sealed: toBase64(sealWithPassphrase(utf8ToBytes(JSON.stringify(identity)), passphrase)) };
}

function unsealed(dir: string, file: unknown, passphrase: string | undefined): unknown {
  const blob = (file as { sealed?: unknown } | undefined)?.sealed;
  if (typeof blob !== 'string') return file;
  if (passphrase === undefined) throw new KeyStoreError(`key store ${dir} is encrypted: set LITSXG_KEY_PASSPHRASE, or start the client in a terminal to be asked`);
  const bytes = fromBase64(blob);
  const plain = bytes && openWithPassphrase(bytes, passphrase);
  if (plain === undefined) throw new KeyStoreError(`cannot open key store ${dir}: wrong passphrase, or ${IDENTITY_FILE} is damaged`);
  return JSON.parse(new TextDecoder().decode(plain));
}

function parseIdentity(value: unknown): Identity | undefined {
  const file = value as { version?: unknown; agreement?: { secret?: unknown }; signing?: { secret?: unknown } } | undefined;
  if (file?.version !== 1 || typeof file.agreement?.secret !== 'string' || typeof file.signing?.secret !== 'string') return undefined;
  const agreementSecret = fromBase64(file.agreement.secret, 32);
  const signingSecret = fromBase64(file.signing.secret, 32);
  if (agreementSecret === undefined || signingSecret === undefined) return undefined;
  // The public halves are derived again: a file whose halves disagree cannot mislead.
  const publicIdentity = { agreement: toBase64(x25519.getPublicKey(agreementSecret)), signing: toBase64(ed25519.getPublicKey(signingSecret)) };
  return { agreementSecret, signingSecret, public: publicIdentity };
}

/** Undefined-free: null when the file is not what Litsxg wrote. */
function parseDevice(value: unknown): StoredDevice | null {
  const file = value as Record<string, unknown> | undefined;
  if (file?.version !== 1 || typeof file.device !== 'string' || typeof file.published !== 'boolean') return null;
  const signingSecret = typeof file.signingSecret === 'string' ? fromBase64(file.signingSecret, 32) : undefined;
  const certificate = typeof file.certificate === 'string' ? fromBase64(file.certificate, 64) : undefined;
  const agreementSecret = typeof file.agreementSecret === 'string' ? fromBase64(file.agreementSecret, 32) : undefined;
  const storageKey = typeof file.storageKey === 'string' ? fromBase64(file.storageKey, 32) : undefined;
  if (signingSecret === undefined || storageKey === undefined || (file.certificate !== undefined && certificate === undefined)) return null;
  return { device: file.device, signingSecret, certificate, agreementSecret, storageKey, published: file.published };
}

function parseSeen(value: unknown): SeenEnvelope[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const wellFormed = value.every((entry: Partial<SeenEnvelope> | null) => typeof entry?.id === 'string' && Number.isSafeInteger(entry.sentAt));
  return wellFormed ? value.map(({ id, sentAt }: SeenEnvelope) => ({ id, sentAt })) : undefined;
}

function readJson(dir: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dir, file), 'utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw new KeyStoreError(`cannot read ${join(dir, file)}: ${(error as Error).message}`);
  }
}

function writeJson(dir: string, file: string, value: unknown): void {
  writeFileDurably(join(dir, file), `${JSON.stringify(value, null, 2)}\n`, join(dir, `.${file}.tmp`));
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function damaged(dir: string, file: string): KeyStoreError {
  return new KeyStoreError(`key store ${dir} is damaged (${file} is not what Litsxg wrote); it was left as it is. ` +
    'Restore it from a backup, or move the directory away to start a new identity (your contacts will see a changed key)');
}
