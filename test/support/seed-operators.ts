import type { Seed } from '../../bench/operator-seeder.ts';
import { seedOperators as seedInto } from '../../bench/operator-seeder.ts';
import type { CredentialRepository } from '../../src/ports/credential-repository.ts';

export { FAST_SCRYPT } from '../../bench/operator-seeder.ts';
/** Every seeded test operator's password, unless a test says otherwise. */
export const PASSWORD = 'correct horse battery';

/** The bench's seeder (one harness for both), with the tests' password by default; a string is a password. */
export function seedOperators(store: string | CredentialRepository, names: readonly string[], seed: Seed | string = PASSWORD): Promise<void> {
  return seedInto(store, names, typeof seed === 'string' ? { password: seed } : seed);
}
