import { ContainerModule } from 'inversify';
import { RememberingPasswordHasher } from '../adapters/crypto/remembering-password-hasher.ts';
import { ScryptPasswordHasher } from '../adapters/crypto/scrypt-password-hasher.ts';
import { RandomIdGenerator } from '../adapters/system/random-id-generator.ts';
import { SystemClock } from '../adapters/system/system-clock.ts';
import { Clock } from '../ports/clock.ts';
import { IdGenerator } from '../ports/id-generator.ts';
import { Logger } from '../ports/logger.ts';
import { PasswordHasher } from '../ports/password-hasher.ts';

/** The clock, ids, the logger and scrypt: what every command needs from the machine. */
export function systemModule(logger: Logger, hasher: PasswordHasher = new RememberingPasswordHasher(new ScryptPasswordHasher())): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(Clock).to(SystemClock).inSingletonScope();
    bind(IdGenerator).to(RandomIdGenerator).inSingletonScope();
    bind<Logger>(Logger).toConstantValue(logger);
    bind<PasswordHasher>(PasswordHasher).toConstantValue(hasher);
  });
}
