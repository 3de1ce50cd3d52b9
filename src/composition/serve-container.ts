import { join } from 'node:path';
import { Container } from 'inversify';
import type { ContainerModule } from 'inversify';
import type { ServeOptions } from '../adapters/cli/serve-options.ts';
import { CREDENTIALS_FILE } from '../adapters/system/data-directory.ts';
import { serverIdOf } from '../adapters/system/server-id-file.ts';
import { DEFAULT_HIGH_WATER_CHARS } from '../adapters/tcp/transport-options.ts';
import { WEB_APP_DIRECTORY } from '../adapters/web/web-app-directory.ts';
import type { RelayConfig } from '../domain/relay-config.ts';
import type { Logger } from '../ports/logger.ts';
import { credentialsModule } from './credentials-module.ts';
import { cryptoModule } from './crypto-module.ts';
import { accountsModule, relayModule } from './domain-modules.ts';
import { memoryModule } from './memory-module.ts';
import { onionClientKeysModule } from './onion-client-keys-module.ts';
import { systemModule } from './system-module.ts';
import { tcpModule } from './tcp-module.ts';

/** The server's container: configuration picks one module per adapter family; `onOnionAbandoned`: see torModule. */
export async function serveContainer(options: ServeOptions, logger: Logger, onOnionAbandoned: () => void = () => undefined): Promise<Container> {
  const container = new Container();
  container.load(
    systemModule(logger),
    cryptoModule(),
    accountsModule(),
    relayModule(relayConfig(options), () => serverIdOf(options.dataDir)),
    await credentialsModule(options.credentials, join(options.dataDir, CREDENTIALS_FILE)),
    onionClientKeysModule(),
    ...(await stateModules(options)),
    tcpModule({
      host: options.host,
      port: options.port,
      maxFrameBytes: options.maxFrameBytes,
      authTimeoutMs: options.authTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      highWaterChars: DEFAULT_HIGH_WATER_CHARS,
    }),
  );
  // Tor's and the web client's adapters (and ws) are loaded only when chosen, as ioredis is below.
  if (options.onion) container.load((await import('./tor-module.ts')).torModule(options, onOnionAbandoned));
  if (options.web) {
    container.load((await import('./web-module.ts')).webModule({
      host: options.host,
      port: options.webPort,
      appDirectory: WEB_APP_DIRECTORY,
      origins: options.webOrigin === undefined ? [] : [options.webOrigin],
      maxConnections: options.maxConnections,
    }));
  }
  return container;
}

/**
 * The one place Redis is decided: `--buffer redis` puts the queues there, and `--presence redis`
 * presence too (instances acting as one); this process's memory holds the rest. ioredis is
 * loaded only then: it costs every other start memory and time (docs/performance.md § Startup and memory).
 */
async function stateModules(options: ServeOptions): Promise<ContainerModule[]> {
  if (options.buffer === 'memory') return [memoryModule({ buffer: true, presence: true })];
  const presence = options.presence === 'redis';
  const { redisModule } = await import('./redis-module.ts');
  return [memoryModule({ buffer: false, presence: !presence }), redisModule({ url: options.redisUrl, presence })];
}

function relayConfig(options: ServeOptions): RelayConfig {
  return {
    registration: options.registration,
    maxConnections: options.maxConnections,
    maxBodyBytes: options.maxBodyBytes,
    sendRatePerSecond: options.sendRate,
    maxHandshakeBytes: options.maxHandshakeBytes,
    buffer: {
      maxMessagesPerRecipient: options.queueMaxMessages,
      maxBytesPerRecipient: options.queueMaxBytes,
      maxBytesTotal: options.bufferMaxBytes,
      ttlMs: options.messageTtlMs,
    },
  };
}
