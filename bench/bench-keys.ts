import { createPrivateKey, createHash, sign } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import type { KeyObject } from 'node:crypto';
import type { PublicIdentity } from '../src/domain/identity-keys.ts';
import { keyLoginMessage } from '../src/domain/identity-keys.ts';

interface BenchIdentity {
  readonly published: PublicIdentity;
  readonly signingKey: KeyObject;
}

const identities = new Map<string, BenchIdentity>();

/**
 * A bench operator's identity, derived from its name (bench operators only: anyone can derive
 * it), so the seeder can publish it and the load generator can sign with it without sharing state.
 */
export function benchIdentity(name: string): BenchIdentity {
  let identity = identities.get(name);
  if (identity === undefined) {
    const seed = createHash('sha256').update(`litsxg bench signing ${name}`).digest();
    const agreement = createHash('sha256').update(`litsxg bench agreement ${name}`).digest();
    const signing = ed25519.getPublicKey(seed);
    identity = {
      published: { agreement: Buffer.from(x25519.getPublicKey(agreement)).toString('base64'), signing: Buffer.from(signing).toString('base64') },
      // Node's Ed25519 signs for the load generator: the bench should cost the client little.
      signingKey: createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: Buffer.from(signing).toString('base64url') }, format: 'jwk' }),
    };
    identities.set(name, identity);
  }
  return identity;
}

/**
 * The `auth_key` signature for this connection's `hello` (the bare relay sends no challenge: it
 * signs the empty one). The identity must have been derived before: deriving it costs the load
 * generator about 1.5 ms, which inside a timed login would be measured as the server's.
 */
export function signKeyLogin(name: string, hello: Readonly<Record<string, unknown>>): string {
  const identity = identities.get(name);
  if (identity === undefined) throw new Error(`the bench identity of ${name} was not derived before its login`);
  const message = keyLoginMessage(String(hello.server_id ?? ''), String(hello.challenge ?? ''), name);
  return sign(null, Buffer.from(message), identity.signingKey).toString('base64');
}
