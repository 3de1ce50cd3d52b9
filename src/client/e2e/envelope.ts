import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { fromBase64, toBase64 } from './base64.ts';

/** What marks a body as an envelope; anything else is a plain client's text. */
export const ENVELOPE_PREFIX = 'e2e1.';
const VERSION = 1;
/**
 * Padded plaintext sizes (the 4-byte length included): the relay sees one of four sizes. The
 * largest keeps the whole envelope, in base64, under the default 16384-byte body limit.
 */
export const PADDED_SIZES = [256, 1024, 4096, 12_000] as const;
export const MAX_TEXT_BYTES = PADDED_SIZES.at(-1)! - 4;
const HEADER_BYTES = 1 + 8 + 32 + 24;
const TAG_BYTES = 16;
const SIGNATURE_BYTES = 64;

export interface Sender {
  readonly name: string;
  readonly signingSecret: Uint8Array;
}

export interface Recipient {
  readonly name: string;
  readonly agreementPublic: Uint8Array;
}

export type Opened =
  | { ok: true; text: string; sentAt: number; id: string }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'undecryptable' };

/**
 * Seals `text` for one recipient: a fresh X25519 key agrees with the recipient's, HKDF-SHA256
 * derives the key, XChaCha20-Poly1305 encrypts the padded text with sender, recipient and time
 * as authenticated data, and the sender's Ed25519 key signs the whole.
 * Layout: version, sent-at (ms, 8 bytes), ephemeral key, nonce, ciphertext, signature.
 */
export function seal(text: string, from: Sender, to: Recipient, sentAt: number, random = randomBytes): string {
  const plain = utf8ToBytes(text);
  const size = PADDED_SIZES.find((bucket) => bucket >= plain.length + 4);
  if (size === undefined) throw new RangeError(`text longer than ${MAX_TEXT_BYTES} bytes`);
  const padded = new Uint8Array(size);
  new DataView(padded.buffer).setUint32(0, plain.length);
  padded.set(plain, 4);
  const ephemeralSecret = random(32);
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = VERSION;
  new DataView(header.buffer).setBigUint64(1, BigInt(sentAt));
  header.set(x25519.getPublicKey(ephemeralSecret), 9);
  header.set(random(24), 41);
  const key = messageKey(ephemeralSecret, to.agreementPublic, header);
  const ciphertext = xchacha20poly1305(key, header.subarray(41), associatedData(from.name, to.name, header)).encrypt(padded);
  const body = concatBytes(header, ciphertext);
  const signature = ed25519.sign(signedPart(from.name, to.name, body), from.signingSecret);
  return ENVELOPE_PREFIX + toBase64(concatBytes(body, signature));
}

/**
 * Checks the signature first with the sender's key, then decrypts with the recipient's secret
 * (its public half saves deriving it again, a scalar multiplication).
 */
export function open(envelope: string, from: string, senderSigning: Uint8Array, to: string, agreementSecret: Uint8Array,
  agreementPublic: Uint8Array = x25519.getPublicKey(agreementSecret)): Opened {
  const bytes = envelope.startsWith(ENVELOPE_PREFIX) ? fromBase64(envelope.slice(ENVELOPE_PREFIX.length)) : undefined;
  const padding = bytes === undefined ? 0 : bytes.length - HEADER_BYTES - TAG_BYTES - SIGNATURE_BYTES;
  if (bytes === undefined || !(PADDED_SIZES as readonly number[]).includes(padding) || bytes[0] !== VERSION) {
    return { ok: false, reason: 'malformed' };
  }
  const body = bytes.subarray(0, bytes.length - SIGNATURE_BYTES);
  if (!ed25519.verify(bytes.subarray(body.length), signedPart(from, to, body), senderSigning)) return { ok: false, reason: 'bad_signature' };
  const header = body.subarray(0, HEADER_BYTES);
  let padded: Uint8Array;
  try {
    const key = messageKey(agreementSecret, header.subarray(9, 41), header, agreementPublic);
    padded = xchacha20poly1305(key, header.subarray(41), associatedData(from, to, header)).decrypt(body.subarray(HEADER_BYTES));
  } catch {
    return { ok: false, reason: 'undecryptable' };
  }
  const length = new DataView(padded.buffer, padded.byteOffset).getUint32(0);
  if (length > padded.length - 4) return { ok: false, reason: 'malformed' };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(padded.subarray(4, 4 + length));
  const sentAt = Number(new DataView(header.buffer, header.byteOffset).getBigUint64(1));
  return { ok: true, text, sentAt, id: toBase64(header.subarray(41)) };
}

/**
 * HKDF-SHA256 of the X25519 agreement, salted with the ephemeral and the recipient's public
 * keys. The sender passes (ephemeral secret, recipient public); the recipient passes (its
 * secret, ephemeral public) and its own public key.
 */
export function messageKey(secret: Uint8Array, peerPublic: Uint8Array, header: Uint8Array, recipientPublic = peerPublic): Uint8Array {
  const shared = x25519.getSharedSecret(secret, peerPublic);
  const ephemeralPublic = header.subarray(9, 41);
  return hkdf(sha256, shared, concatBytes(ephemeralPublic, recipientPublic), utf8ToBytes('litsxg envelope v1 key'), 32);
}

function associatedData(from: string, to: string, header: Uint8Array): Uint8Array {
  return concatBytes(utf8ToBytes(`litsxg envelope v1\n${from}\n${to}\n`), header);
}

function signedPart(from: string, to: string, body: Uint8Array): Uint8Array {
  return concatBytes(utf8ToBytes(`litsxg envelope signature v1\n${from}\n${to}\n`), body);
}
