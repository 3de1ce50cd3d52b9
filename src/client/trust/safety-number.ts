import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** One side of a conversation: the operator name and the operator identity's Ed25519 signing key. */
export interface FingerprintSide {
  readonly name: string;
  readonly signingKey: Uint8Array;
}

// libsignal NumericFingerprintGenerator, version 0 ("Conversations on MLS" point 6): 5200 rounds.
const ITERATIONS = 5200;
const VERSION = new Uint8Array([0, 0]);
/**
 * Signal prefixes its Curve25519 identity keys with the type byte 0x05 (DJB_TYPE). Litsxg's
 * identity key is Ed25519, the Edwards form of the same curve, and keeps Signal's byte: the
 * construction is then byte for byte Signal's, only the key's encoding differs.
 */
const KEY_TYPE = 0x05;

/**
 * Sixty digits in twelve groups of five: each side's thirty digits, the two sorted, so that
 * alice's `/verify bob` and bob's `/verify alice` show the same number.
 */
export function safetyNumber(a: FingerprintSide, b: FingerprintSide): string {
  const digits = [fingerprint(a), fingerprint(b)].sort().join('');
  return digits.match(/\d{5}/g)!.join(' ');
}

/** Thirty digits: SHA-512 iterated over version, key and name, its first 30 bytes as six 5-digit chunks. */
function fingerprint({ name, signingKey }: FingerprintSide): string {
  if (signingKey.length !== 32) throw new RangeError('an Ed25519 signing key is 32 bytes');
  const key = concatBytes(new Uint8Array([KEY_TYPE]), signingKey);
  let hash = sha512(concatBytes(VERSION, key, utf8ToBytes(name)));
  for (let i = 0; i < ITERATIONS; i++) hash = sha512(concatBytes(hash, key));
  let digits = '';
  for (let offset = 0; offset < 30; offset += 5) {
    let value = 0;
    // Five bytes big-endian (40 bits, exact in a double), reduced to five digits.
    for (const byte of hash.subarray(offset, offset + 5)) value = value * 256 + byte;
    digits += String(value % 100_000).padStart(5, '0');
  }
  return digits;
}
