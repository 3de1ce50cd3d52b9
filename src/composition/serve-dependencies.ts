// Inversify's decorators need the Reflect metadata API before any decorated class is defined.
import 'reflect-metadata';

/** What `serve` needs beyond option parsing, loaded in one go once the options are known good. */
export { RedisUnavailableError } from '../adapters/redis/redis-connections.ts';
export { RedisScaleOut } from '../adapters/redis/redis-scale-out.ts';
export { CredentialStoreError } from '../adapters/kysely/credential-store-error.ts';
export { CREDENTIALS_FILE, DataDirectoryError, lockDataDirectory, prepareDataDirectory } from '../adapters/system/data-directory.ts';
export { TcpRelayServer } from '../adapters/tcp/tcp-relay-server.ts';
export { TorControlError } from '../adapters/tor/tor-control-error.ts';
export { TorControlOnionService } from '../adapters/tor/tor-control-onion-service.ts';
export { CredentialRepository } from '../ports/credential-repository.ts';
export { MessageBuffer } from '../ports/message-buffer.ts';
export { serveContainer } from './serve-container.ts';
