import { token } from './token.ts';

/** Checks Ed25519 signatures for key logins; keys and signatures in base64, already shape-checked. */
export interface SignatureVerifier {
  verify(signingKey: string, message: string, signature: string): Promise<boolean>;
}
export const SignatureVerifier = token<SignatureVerifier>('SignatureVerifier');
