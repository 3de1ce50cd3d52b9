import { createRequire } from 'node:module';
import type { Logger } from '../../ports/logger.ts';
import type { SignatureVerifier } from '../../ports/signature-verifier.ts';

/** The one function of sodium-native's binding that Litsxg calls. */
export interface Libsodium {
  crypto_sign_verify_detached(signature: Buffer, message: Buffer, publicKey: Buffer): boolean;
}

/** sodium-native's prebuilt binding for this platform; it throws where the package has none. */
export function loadLibsodium(): Libsodium {
  return createRequire(import.meta.url)('sodium-native') as Libsodium;
}

/**
 * Ed25519 in libsodium, on the event loop: 45 µs a verification here, where Node 20's OpenSSL
 * takes 105 with its key import, off the loop but on the same two cores (issue 21: key logins
 * 0.607× the bare relay's rate with OpenSSL, 0.665× with libsodium, medians of 11 alternating
 * rounds). libsodium also refuses what RFC 8032 leaves open: a small-order key or R, a
 * non-canonical key (docs/security.md).
 *
 * The binding is loaded at the first verification, not at start (4 ms and 1.6 MB, for a server
 * whose operators may all log in by password). Where it does not load (a platform sodium-native
 * has no prebuilt binding for), `fallback` verifies every signature, and one warning says why.
 */
export class SodiumEd25519Verifier implements SignatureVerifier {
  private libsodium: Libsodium | undefined;
  private unavailable = false;

  constructor(
    private readonly fallback: SignatureVerifier,
    private readonly logger: Logger,
    private readonly load: () => Libsodium = loadLibsodium,
  ) {}

  verify(signingKey: string, message: string, signature: string): Promise<boolean> {
    const libsodium = this.binding();
    if (libsodium === undefined) return this.fallback.verify(signingKey, message, signature);
    const key = Buffer.from(signingKey, 'base64');
    const signatureBytes = Buffer.from(signature, 'base64');
    // sodium-native throws on a short buffer and reads only the first 64 bytes of a longer
    // signature, which would then verify: any other size is a signature that does not.
    if (key.length !== 32 || signatureBytes.length !== 64) return Promise.resolve(false);
    return Promise.resolve(libsodium.crypto_sign_verify_detached(signatureBytes, Buffer.from(message, 'utf8'), key));
  }

  private binding(): Libsodium | undefined {
    if (this.libsodium === undefined && !this.unavailable) {
      try {
        this.libsodium = this.load();
      } catch (error) {
        this.unavailable = true;
        this.logger.log('warn', 'libsodium_unavailable', { reason: (error as Error).message });
      }
    }
    return this.libsodium;
  }
}
