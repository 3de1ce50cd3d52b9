import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { scrypt } from '@noble/hashes/scrypt.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';

/** scrypt's cost as log2(N), r and p, kept in each sealed blob so that a later cost still opens older blobs. */
export interface ScryptCost {
  readonly logN: number;
  readonly r: number;
  readonly p: number;
}

/**
 * N=2^17, r=8, p=1 (128 MiB): about 0.43 s in @noble/hashes on the project's 2-core machine
 * (Argon2id t=3, 64 MiB took 0.88 s there). Paid once when the client starts.
 */
export const SCRYPT_COST: ScryptCost = { logN: 17, r: 8, p: 1 };
const VERSION = 1;
const SALT_BYTES = 16;
const NONCE_BYTES = 24;
const HEADER_BYTES = 4 + SALT_BYTES;

/**
 * Encrypts secrets at rest under a passphrase ("Conversations on MLS" point 7): scrypt derives
 * the key, XChaCha20-Poly1305 encrypts, the header is authenticated. Layout: version, log2(N),
 * r, p, salt (16), nonce (24), ciphertext and tag. Synchronous: the terminal pays it once at
 * start; a browser would run it in a worker.
 */
export function sealWithPassphrase(secret: Uint8Array, passphrase: string, cost: ScryptCost = SCRYPT_COST, random = randomBytes): Uint8Array {
  const header = concatBytes(new Uint8Array([VERSION, cost.logN, cost.r, cost.p]), random(SALT_BYTES));
  const nonce = random(NONCE_BYTES);
  const ciphertext = xchacha20poly1305(deriveKey(passphrase, header), nonce, header).encrypt(secret);
  return concatBytes(header, nonce, ciphertext);
}

/** The secret, or undefined for a wrong passphrase, a damaged blob, or a cost no honest client writes. */
export function openWithPassphrase(sealed: Uint8Array, passphrase: string): Uint8Array | undefined {
  const [version, logN = 0, r = 0, p = 0] = sealed;
  // Bounded: a planted file must not make the client compute for minutes or exhaust memory.
  if (version !== VERSION || logN < 10 || logN > 20 || r < 1 || r > 16 || p < 1 || p > 4) return undefined;
  if (sealed.length < HEADER_BYTES + NONCE_BYTES + 16) return undefined;
  const header = sealed.subarray(0, HEADER_BYTES);
  const nonce = sealed.subarray(HEADER_BYTES, HEADER_BYTES + NONCE_BYTES);
  try {
    return xchacha20poly1305(deriveKey(passphrase, header), nonce, header).decrypt(sealed.subarray(HEADER_BYTES + NONCE_BYTES));
  } catch {
    return undefined;
  }
}

function deriveKey(passphrase: string, header: Uint8Array): Uint8Array {
  const [, logN = 0, r = 0, p = 0] = header;
  return scrypt(passphrase.normalize('NFC'), header.subarray(4), { N: 2 ** logN, r, p, dkLen: 32, maxmem: 2 ** 30 + 2 ** 20 });
}
