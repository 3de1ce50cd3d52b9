import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import type { ClientFrame } from './conversations/frame-link.ts';
import { certifyDevice, verifyCertificate } from './conversations/device-credential.ts';
import { fromBase64, toBase64 } from './e2e/base64.ts';
import { MAX_TEXT_BYTES, open, seal } from './e2e/envelope.ts';
import type { DeviceHolder as KeyStore, Identity } from './device-holder.ts';
import { parsePins, withPins } from './trust/granted-pins.ts';
import type { PinList } from './trust/granted-pins.ts';

/** docs/protocol.md "Approval": what the approving device sends the new one, in a plain `send` to their name. */
export const GRANT_PREFIX = 'grant1.';
const CODE_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const CODE_LENGTH = 10;

/** A pending device as `fetch_devices` lists it to its own operator. */
export interface PendingListing {
  readonly device: string;
  readonly signing: string;
  readonly agreement: string;
}

/**
 * The short code a new device shows and its approver types: 10 base32 characters of SHA-256 over
 * the device's id and both public keys, so the relay cannot swap in keys of its own unseen. 50
 * bits: a relay grinding pending keys to match a code needs about 2^50 X25519 keys within the 10
 * minutes a pending device lives. Shown as two groups of 5 for reading.
 */
export function approvalCode(name: string, pending: PendingListing): string {
  const digest = sha256(utf8ToBytes(`litsxg device code v1\n${name}\n${pending.device}\n${pending.signing}\n${pending.agreement}`));
  const code = Array.from(digest.subarray(0, CODE_LENGTH), (b) => CODE_ALPHABET[b % 32]).join('');
  return grouped(code);
}

/** A code as typed (any case, with or without the separator or spaces) in its shown form; undefined when it cannot be one. */
export function readApprovalCode(typed: string): string | undefined {
  const bare = typed.toLowerCase().replace(/[\s-]/g, '');
  return bare.length === CODE_LENGTH && [...bare].every((c) => CODE_ALPHABET.includes(c)) ? grouped(bare) : undefined;
}

function grouped(code: string): string {
  return `${code.slice(0, CODE_LENGTH / 2)}-${code.slice(CODE_LENGTH / 2)}`;
}

/**
 * This store as a device waiting for approval: made once, then published pending after each
 * password login. A store whose device was approved before (revoked since) asks as a new device,
 * under a new id and keys: its old key was revoked, and its agreement key went with the approval.
 * The storage key stays, so the conversation store still opens (Conversations.open drops the old
 * device's states).
 */
export function pendingDevice(store: KeyStore, name: string, deviceId: string): { frame: ClientFrame; code: string } {
  const waiting = store.device?.agreementSecret !== undefined && store.device.certificate === undefined ? store.device : undefined;
  const device = waiting ?? (() => {
    const storageKey = store.device?.storageKey ?? randomBytes(32);
    const made = { device: deviceId, signingSecret: ed25519.utils.randomSecretKey(), agreementSecret: x25519.utils.randomSecretKey(), certificate: undefined, published: false, storageKey };
    store.setDevice(made);
    return made;
  })();
  const listing = { device: device.device, signing: toBase64(ed25519.getPublicKey(device.signingSecret)), agreement: toBase64(x25519.getPublicKey(device.agreementSecret!)) };
  return { frame: { op: 'publish_device', ...listing }, code: approvalCode(name, listing) };
}

const NO_PINS: PinList = { pin: () => undefined, pinnedNames: () => [] };

/**
 * On the approving device: the certificate for the pending device the code names, and the
 * grant that carries the identity and this device's pins to it (as many as fit: `dropped`
 * did not), sealed to its X25519 key and signed by the identity.
 */
export function approve(name: string, identity: Identity, pending: PendingListing, pins: PinList = NO_PINS): { certify: ClientFrame; grant: string; carried: number; dropped: number } {
  const signing = fromBase64(pending.signing, 32)!;
  const certificate = certifyDevice(identity.signingSecret, name, pending.device, signing);
  const secrets = { agreement: toBase64(identity.agreementSecret), signing: toBase64(identity.signingSecret), certificate: toBase64(certificate) };
  const { text, carried, dropped } = withPins(secrets, pins, MAX_TEXT_BYTES);
  const envelope = seal(text, { name, signingSecret: identity.signingSecret }, { name: `${name}/${pending.device}`, agreementPublic: fromBase64(pending.agreement, 32)! }, Date.now());
  return {
    certify: { op: 'publish_device', device: pending.device, signing: pending.signing, certificate: toBase64(certificate) },
    grant: GRANT_PREFIX + envelope,
    carried,
    dropped,
  };
}

/**
 * On the new device: opens a grant, checks it comes from the identity the relay publishes for
 * the name and certifies this device, then takes the identity and the pins it carries (none
 * from an older approver, nor when they are not well formed). False when it is not for us.
 */
export function acceptGrant(store: KeyStore, name: string, body: string, publishedSigning: Uint8Array): boolean {
  const device = store.device;
  if (device?.agreementSecret === undefined || !body.startsWith(GRANT_PREFIX)) return false;
  const opened = open(body.slice(GRANT_PREFIX.length), name, publishedSigning, `${name}/${device.device}`, device.agreementSecret);
  if (!opened.ok) return false;
  const secrets = JSON.parse(opened.text) as { agreement?: string; signing?: string; certificate?: string; pins?: unknown };
  const agreement = fromBase64(secrets.agreement ?? '', 32);
  const signing = fromBase64(secrets.signing ?? '', 32);
  const certificate = fromBase64(secrets.certificate ?? '', 64);
  if (agreement === undefined || signing === undefined || certificate === undefined) return false;
  const signingPublic = ed25519.getPublicKey(device.signingSecret);
  if (!verifyCertificate(publishedSigning, name, device.device, signingPublic, certificate)) return false;
  if (toBase64(ed25519.getPublicKey(signing)) !== toBase64(publishedSigning)) return false;
  store.adoptIdentity(agreement, signing);
  store.setDevice({ ...device, certificate, agreementSecret: undefined, published: true });
  const pins = parsePins(secrets.pins ?? {}) ?? new Map();
  pins.delete(name);
  store.adoptPins(pins);
  return true;
}
