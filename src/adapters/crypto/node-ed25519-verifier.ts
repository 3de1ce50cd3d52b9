import { createPublicKey, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { injectable } from 'inversify';
import type { SignatureVerifier } from '../../ports/signature-verifier.ts';

/** Imported keys kept, so a reconnect storm imports each key once (about a seventh of a verification). */
const KEYS_KEPT = 10_000;

/** Ed25519 in Node's OpenSSL: a key login costs about a tenth of a millisecond of CPU, not a password hash. */
@injectable()
export class NodeEd25519Verifier implements SignatureVerifier {
  private readonly keys = new Map<string, KeyObject>();

  verify(signingKey: string, message: string, signature: string): boolean {
    return verify(null, Buffer.from(message, 'utf8'), this.keyOf(signingKey), Buffer.from(signature, 'base64'));
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
