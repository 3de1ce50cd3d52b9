import { join } from 'node:path';
import type { ContainerModule } from 'inversify';
import type { ServeOptions } from '../adapters/cli/serve-options.ts';
import { ONION_HOSTNAME_FILE, ONION_KEY_FILE } from '../adapters/system/data-directory.ts';
import { ReconnectingOnionService } from '../adapters/tor/reconnecting-onion-service.ts';
import { Logger } from '../ports/logger.ts';
import { OnionClientKeys } from '../ports/onion-client-keys.ts';
import { OnionService } from '../ports/onion-service.ts';
import { OnionStatus } from '../ports/onion-status.ts';
import { typedModule } from './typed-module.ts';

/**
 * `--onion`: the onion service, kept up through tor restarts, and its status for `hello`.
 * `onGiveUp` is told when it stayed down past `--onion-down-exit`.
 */
export function torModule(options: ServeOptions, onGiveUp: () => void): ContainerModule {
  const make = (logger: Logger, keys?: OnionClientKeys) => new ReconnectingOnionService({
    control: options.torControl!,
    password: options.torPassword,
    keyFile: join(options.dataDir, ONION_KEY_FILE),
    hostnameFile: join(options.dataDir, ONION_HOSTNAME_FILE),
    logger,
    protections: {
      pow: options.onionPow === 'on' ? { queueRate: options.onionPowQueueRate, queueBurst: options.onionPowQueueBurst } : undefined,
      maxStreams: options.onionMaxStreams,
    },
    clientAuthKeys: keys && (() => keys.publicKeys()),
    giveUpAfterMs: options.onionDownExitMs > 0 ? options.onionDownExitMs : undefined,
    onGiveUp,
  });
  return typedModule((bind) => {
    // The keys live in the credential database: only `--onion-client-auth` waits for it.
    const service = bind(ReconnectingOnionService);
    const bound = options.onionClientAuth ? service.toResolvedValue(make, [Logger, OnionClientKeys]) : service.toResolvedValue((logger: Logger) => make(logger), [Logger]);
    bound.inSingletonScope();
    bind(OnionService).toService(ReconnectingOnionService);
    bind(OnionStatus).toService(ReconnectingOnionService);
  });
}
