import type { ContainerModule } from 'inversify';
import { TorControlOnionService } from '../adapters/tor/tor-control-onion-service.ts';
import type { TorControlOnionServiceOptions } from '../adapters/tor/tor-control-onion-service.ts';
import { Logger } from '../ports/logger.ts';
import { OnionService } from '../ports/onion-service.ts';
import { typedModule } from './typed-module.ts';

/** `--onion`: the onion service, published through Tor's control port. */
export function torModule(options: Omit<TorControlOnionServiceOptions, 'onLost'>): ContainerModule {
  return typedModule((bind) => {
    bind(OnionService)
      .toResolvedValue(
        (logger: Logger) =>
          new TorControlOnionService({ ...options, onLost: (error) => logger.log('error', 'onion_lost', { reason: error.message }) }),
        [Logger],
      )
      .inSingletonScope();
  });
}
