import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { Hash, HashAlgorithm, Kdf, KdfAlgorithm } from 'ts-mls';
import { constantTimeEqual } from 'ts-mls/util/constantTimeCompare.js';

const HASHES = { 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 } as const;
const KDF_HASHES = { 'HKDF-SHA256': sha256, 'HKDF-SHA384': sha384, 'HKDF-SHA512': sha512 } as const;

/**
 * ts-mls 1.6.4's default provider computes every HMAC (and so every HKDF step) through WebCrypto:
 * a key import and an asynchronous job for some 100 bytes, several times a message. These do
 * the same in JavaScript, synchronously (@noble/hashes), with the same bytes out. Nothing is
 * cached: no secret outlives the call that uses it.
 *
 * Inputs outside what MLS uses go to the inner implementation, so that they fail (or not)
 * exactly as before: an empty HMAC key, which WebCrypto refuses.
 */
export function syncHmac(inner: Hash, algorithm: HashAlgorithm): Hash {
  const hash = HASHES[algorithm];
  return {
    digest: (data) => inner.digest(data),
    async mac(key, data) {
      return key.length === 0 ? inner.mac(key, data) : hmac(hash, key, data);
    },
    async verifyMac(key, tag, data) {
      return key.length === 0 ? inner.verifyMac(key, tag, data) : constantTimeEqual(tag, hmac(hash, key, data));
    },
  };
}

/**
 * HKDF (RFC 5869) in the same way. @hpke/core, which the default provider uses, refuses an
 * extract salt that is neither empty nor of the hash's length, and WebCrypto an empty PRK, while
 * @noble/hashes wants a PRK of at least the hash's length: those go to the inner implementation.
 */
export function syncHkdf(inner: Kdf, algorithm: KdfAlgorithm): Kdf {
  const hash = KDF_HASHES[algorithm];
  return {
    size: inner.size,
    async extract(salt, ikm) {
      // An empty salt is HashLen zeros (RFC 5869 §2.2): HMAC pads an empty key to the same block.
      return salt.length === 0 || salt.length === inner.size ? extract(hash, ikm, salt) : inner.extract(salt, ikm);
    },
    async expand(prk, info, length) {
      return prk.length < inner.size ? inner.expand(prk, info, length) : expand(hash, prk, info, length);
    },
  };
}
