import type { ContainerModule } from 'inversify';
import { NodeEd25519Verifier } from '../adapters/crypto/node-ed25519-verifier.ts';
import { RememberingPasswordHasher } from '../adapters/crypto/remembering-password-hasher.ts';
import { ScryptPasswordHasher } from '../adapters/crypto/scrypt-password-hasher.ts';
import { SodiumEd25519Verifier } from '../adapters/crypto/sodium-ed25519-verifier.ts';
import { RandomChallenges } from '../adapters/system/random-challenges.ts';
import { Challenges } from '../ports/challenges.ts';
import { Logger } from '../ports/logger.ts';
import { PasswordHasher } from '../ports/password-hasher.ts';
import { SignatureVerifier } from '../ports/signature-verifier.ts';
import { typedModule } from './typed-module.ts';

/** Password hashing (scrypt, lately verified passwords remembered in memory), key-login challenges and Ed25519 (libsodium, else OpenSSL). */
export function cryptoModule(): ContainerModule {
  return typedModule((bind) => {
    bind(PasswordHasher).toResolvedValue(() => new RememberingPasswordHasher(new ScryptPasswordHasher())).inSingletonScope();
    bind(Challenges).to(RandomChallenges).inSingletonScope();
    bind(SignatureVerifier).toResolvedValue((logger: Logger) => new SodiumEd25519Verifier(new NodeEd25519Verifier(), logger), [Logger]).inSingletonScope();
  });
}
