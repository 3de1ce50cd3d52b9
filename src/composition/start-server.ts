import type { ServeOptions } from '../adapters/cli/serve-options.ts';
import type { WarnedSettings } from '../adapters/cli/serve-warnings.ts';
import { RedisScaleOut } from '../adapters/redis/redis-scale-out.ts';
import { lockDataDirectory, prepareDataDirectory } from '../adapters/system/data-directory.ts';
import type { JsonLinesLogger } from '../adapters/system/json-lines-logger.ts';
import { TcpRelayServer } from '../adapters/tcp/tcp-relay-server.ts';
import { DeviceMailboxes } from '../domain/device-mailboxes.ts';
import { startMessageExpiry } from '../domain/message-expiry.ts';
import { Clock } from '../ports/clock.ts';
import { CredentialRepository } from '../ports/credential-repository.ts';
import { MessageBuffer } from '../ports/message-buffer.ts';
import { OnionService } from '../ports/onion-service.ts';
import { WebListener } from './local-tokens.ts';
import { serveContainer } from './serve-container.ts';
import { runServer } from './server-lifecycle.ts';
import type { RunningServer } from './server-lifecycle.ts';
import { resolve, resolveAsync, resolveIfBound } from './typed-module.ts';

/**
 * `serve`: builds the container the options choose and starts the server from it (STYLE 9).
 * Throws DataDirectoryError, CredentialStoreError, RedisUnavailableError, ListenError or
 * TorControlError, having released whatever had started. `onOnionAbandoned` is told when the
 * onion stayed down past `--onion-down-exit`.
 */
export async function startServer(options: ServeOptions & WarnedSettings, logger: JsonLinesLogger, onOnionAbandoned: () => void = () => undefined): Promise<RunningServer> {
  const container = await serveContainer(options, logger, onOnionAbandoned);
  return runServer(
    {
      lockDataDirectory: () => {
        const directory = prepareDataDirectory(options.dataDir);
        return { ...directory, release: lockDataDirectory(directory.path) };
      },
      openCredentials: () => resolveAsync(container, CredentialRepository),
      followDevices: () => resolve(container, DeviceMailboxes).start(),
      redis: () => resolveIfBound(container, RedisScaleOut),
      listener: () => resolve(container, TcpRelayServer),
      webListener: () => resolveIfBound(container, WebListener),
      startExpiry: () => startMessageExpiry(resolve(container, MessageBuffer), resolve(container, Clock), logger, options.messageTtlMs),
      lostOnExit: () => resolve(container, MessageBuffer).lostOnExit(resolve(container, Clock).now()),
      onion: () => resolveIfBound(container, OnionService),
    },
    options,
    logger,
  );
}
