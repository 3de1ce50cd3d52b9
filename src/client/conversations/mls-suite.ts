import type { CiphersuiteImpl, CiphersuiteName } from 'ts-mls';
import { getCiphersuiteFromName, getCiphersuiteImpl } from 'ts-mls';
import { cachingEd25519 } from './caching-signature.ts';
import { syncHkdf, syncHmac } from './sync-hmac.ts';

/**
 * The default: a post-quantum hybrid (X-Wing: X25519 + ML-KEM-768), since recorded Tor traffic
 * is what waits for a quantum computer (docs/performance.md § MLS in the clients has its cost).
 */
export const DEFAULT_SUITE: CiphersuiteName = 'MLS_256_XWING_CHACHA20POLY1305_SHA512_Ed25519';
/** The classical suite, a quarter of the size, measured against the default. */
export const CLASSICAL_SUITE: CiphersuiteName = 'MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519';
export const SUPPORTED_SUITES: readonly CiphersuiteName[] = [DEFAULT_SUITE, CLASSICAL_SUITE];

const loaded = new Map<CiphersuiteName, Promise<CiphersuiteImpl>>();

/**
 * The suite's implementation, made faster and giving the same bytes (test/client/mls-suite.test.ts):
 * HMAC and HKDF computed synchronously (sync-hmac.ts), Ed25519 keys kept imported
 * (caching-signature.ts).
 */
export function loadSuite(name: CiphersuiteName = DEFAULT_SUITE): Promise<CiphersuiteImpl> {
  let suite = loaded.get(name);
  if (suite === undefined) {
    const algorithms = getCiphersuiteFromName(name);
    suite = getCiphersuiteImpl(algorithms).then((impl) => {
      const subtle = globalThis.crypto?.subtle;
      return {
        ...impl,
        hash: syncHmac(impl.hash, algorithms.hash),
        kdf: syncHkdf(impl.kdf, algorithms.hpke.kdf),
        signature: subtle === undefined ? impl.signature : cachingEd25519(impl.signature, subtle),
      };
    });
    loaded.set(name, suite);
  }
  return suite;
}
