import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { injectable } from 'inversify';
import type { SignatureVerifier } from '../../ports/signature-verifier.ts';

/** Imported keys kept, so a reconnect storm imports each key once (about a tenth of a verification). */
const KEYS_KEPT = 10_000;

/**
 * Ed25519 in Node's OpenSSL, on libuv's thread pool: a verification (about 0.1 ms of CPU here)
 * was a third of a key login's time on the event loop, which every connection shares. Issue 21
 * measured the others on a server pinned to one core (3000 key logins, medians of 3 alternating
 * runs): the same verification called synchronously cost the server more CPU a login, not less
 * (0.13 ms against 0.10), and @noble/curves' takes 1.5 ms a verification here.
 */
@injectable()
export class NodeEd25519Verifier implements SignatureVerifier {
  private readonly keys = new Map<string, KeyObject>();

  verify(signingKey: string, message: string, signature: string): Promise<boolean> {
    const key = this.keyOf(signingKey);
    return new Promise((resolve, reject) => {
      verify(null, Buffer.from(message, 'utf8'), key, Buffer.from(signature, 'base64'), (error, valid) => {
        if (error) reject(error);
        else resolve(valid);
      });
    });
  }

  private keyOf(signingKey: string): KeyObject {
    let key = this.keys.get(signingKey);
    if (key === undefined) {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(signingKey, 'base64').toString('base64url') }, format: 'jwk' });
      if (this.keys.size >= KEYS_KEPT) this.keys.delete(this.keys.keys().next().value as string);
      this.keys.set(signingKey, key);
    }
    return key;
  }
}
