import { verify } from 'node:crypto';
import type { SignatureVerifier } from '../../ports/signature-verifier.ts';

/**
 * Ed25519 in Node's OpenSSL, where libsodium does not load (`SodiumEd25519Verifier`, the faster).
 * On libuv's thread pool: a verification (about 0.1 ms of CPU here) was a third of a key login's
 * time on the event loop, which every connection shares. Issue 21 measured the others: called
 * synchronously the same verification cost the server no less CPU a login (0.13 ms against 0.10
 * pinned to one core; 0.38 against 0.39 unpinned), and @noble/curves' takes 1.5 ms here.
 *
 * The key goes to OpenSSL as a JWK at each login (7–12 µs to import; as DER SPKI, 85–93) and is
 * not kept: a kept KeyObject cost 1.5–3 KB a connection logged in by key and saved no CPU on a
 * first login (issue 21), only the import (about a tenth of a verification) on a reconnect.
 */
export class NodeEd25519Verifier implements SignatureVerifier {
  verify(signingKey: string, message: string, signature: string): Promise<boolean> {
    const key = { key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(signingKey, 'base64').toString('base64url') }, format: 'jwk' } as const;
    return new Promise((resolve, reject) => {
      verify(null, Buffer.from(message, 'utf8'), key, Buffer.from(signature, 'base64'), (error, valid) => {
        if (error) reject(error);
        else resolve(valid);
      });
    });
  }
}
