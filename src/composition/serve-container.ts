import { Container } from 'inversify';
import type { ServeOptions } from '../adapters/cli/serve-options.ts';
import { DEFAULT_HIGH_WATER_CHARS } from '../adapters/tcp/transport-options.ts';
import type { RelayConfig } from '../domain/relay-config.ts';
import type { Logger } from '../ports/logger.ts';
import { credentialsModule } from './credentials-module.ts';
import { accountsModule, relayModule } from './domain-modules.ts';
import { memoryModule } from './memory-module.ts';
import { redisModule } from './redis-module.ts';
import { systemModule } from './system-module.ts';
import { tcpModule } from './tcp-module.ts';

/** The server's container: configuration picks one module per adapter family. */
export function serveContainer(options: ServeOptions, credentialsPath: string, logger: Logger): Container {
  const container = new Container();
  container.load(
    systemModule(logger),
    accountsModule(),
    relayModule(relayConfig(options)),
    memoryModule({ buffer: options.buffer === 'memory', presence: options.presence === 'memory' }),
    credentialsModule(options.credentials, credentialsPath),
    tcpModule({
      host: options.host,
      port: options.port,
      maxFrameBytes: options.maxFrameBytes,
      authTimeoutMs: options.authTimeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      highWaterChars: DEFAULT_HIGH_WATER_CHARS,
    }),
  );
  if (options.buffer === 'redis') container.load(redisModule({ url: options.redisUrl, presence: options.presence === 'redis' }));
  return container;
}

export function relayConfig(options: ServeOptions): RelayConfig {
  return {
    registration: options.registration,
    maxConnections: options.maxConnections,
    maxBodyBytes: options.maxBodyBytes,
    sendRatePerSecond: options.sendRate,
    buffer: {
      maxMessagesPerRecipient: options.queueMaxMessages,
      maxBytesPerRecipient: options.queueMaxBytes,
      maxBytesTotal: options.bufferMaxBytes,
      ttlMs: options.messageTtlMs,
    },
  };
}
