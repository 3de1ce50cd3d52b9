import type { ContainerModule } from 'inversify';
import { RememberingPasswordHasher } from '../adapters/crypto/remembering-password-hasher.ts';
import { ScryptPasswordHasher } from '../adapters/crypto/scrypt-password-hasher.ts';
import { PasswordHasher } from '../ports/password-hasher.ts';
import { typedModule } from './typed-module.ts';

/** Password hashing: scrypt, with lately verified passwords remembered in memory. */
export function cryptoModule(): ContainerModule {
  return typedModule((bind) => {
    bind(PasswordHasher).toResolvedValue(() => new RememberingPasswordHasher(new ScryptPasswordHasher())).inSingletonScope();
  });
}
