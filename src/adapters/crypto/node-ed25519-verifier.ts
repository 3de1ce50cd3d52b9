import { createPublicKey, verify } from 'node:crypto';
import { injectable } from 'inversify';
import type { SignatureVerifier } from '../../ports/signature-verifier.ts';

/** Ed25519 in Node's OpenSSL: a key login costs tens of microseconds of CPU, not a password hash. */
@injectable()
export class NodeEd25519Verifier implements SignatureVerifier {
  verify(signingKey: string, message: string, signature: string): boolean {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(signingKey, 'base64').toString('base64url') }, format: 'jwk' });
    return verify(null, Buffer.from(message, 'utf8'), key, Buffer.from(signature, 'base64'));
  }
}
