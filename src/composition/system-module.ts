import type { ContainerModule } from 'inversify';
import { RandomIdGenerator } from '../adapters/system/random-id-generator.ts';
import { SystemClock } from '../adapters/system/system-clock.ts';
import { Clock } from '../ports/clock.ts';
import { Logger } from '../ports/logger.ts';
import { LocalIdGenerator } from './local-tokens.ts';
import { typedModule } from './typed-module.ts';

/** The clock, this process's ids and the logger: what every command needs from the machine. */
export function systemModule(logger: Logger): ContainerModule {
  return typedModule((bind) => {
    bind(Clock).to(SystemClock).inSingletonScope();
    bind(LocalIdGenerator).to(RandomIdGenerator).inSingletonScope();
    bind(Logger).toConstantValue(logger);
  });
}
