import { RememberingPasswordHasher } from '../../src/adapters/crypto/remembering-password-hasher.ts';
import { ScryptPasswordHasher } from '../../src/adapters/crypto/scrypt-password-hasher.ts';
import { passwordHasherContract } from '../contracts/password-hasher-contract.ts';
import { FAST_SCRYPT } from '../support/seed-operators.ts';

passwordHasherContract('scrypt', () => new ScryptPasswordHasher(FAST_SCRYPT));
passwordHasherContract('scrypt, remembering recent logins', () => new RememberingPasswordHasher(new ScryptPasswordHasher(FAST_SCRYPT)));
