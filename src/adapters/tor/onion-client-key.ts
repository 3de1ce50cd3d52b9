import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

/** An x25519 client-authorization key pair (rend-spec-v3 "client authorization"), base32 as tor writes them. */
export interface OnionClientKeyPair {
  /** 52 base32 characters: `ClientAuthV3=` and a service's `authorized_clients/*.auth`. */
  readonly publicKey: string;
  /** 52 base32 characters: Tor Browser's prompt and a client's `*.auth_private`. Never logged. */
  readonly privateKey: string;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export const CLIENT_KEY_PATTERN = /^[A-Z2-7]{52}$/;

export function generateOnionClientKey(): OnionClientKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKey: base32(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')),
    privateKey: base32(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url')),
  };
}

/** The public half of a base32 private key; throws on anything that is not one. */
export function publicKeyOf(privateKey: string): string {
  const d = fromBase32(privateKey).toString('base64url');
  const key = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: '' }, format: 'jwk' });
  return base32(Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url'));
}

/** A client's `ClientOnionAuthDir/<name>.auth_private` line (tor manual, CLIENT AUTHORIZATION). */
export function authPrivateLine(onion: string, privateKey: string): string {
  return `${onion.replace(/\.onion$/, '')}:descriptor:x25519:${privateKey}`;
}

/** control-spec ONION_CLIENT_AUTH_ADD wants the same key in base64. */
export function privateKeyBase64(privateKey: string): string {
  return fromBase32(privateKey).toString('base64');
}

/** RFC 4648 base32, upper case, no padding: 32 bytes are 52 characters. */
function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + ALPHABET[(value << (5 - bits)) & 31] : out;
}

function fromBase32(text: string): Buffer {
  const clean = text.trim().toUpperCase();
  if (!CLIENT_KEY_PATTERN.test(clean)) throw new Error('not a base32 x25519 key (52 characters of A-Z and 2-7)');
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    value = ((value << 5) | ALPHABET.indexOf(char)) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}
