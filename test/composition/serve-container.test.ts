import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ServeOptions } from '../../src/adapters/cli/serve-options.ts';
import { RememberingPasswordHasher } from '../../src/adapters/crypto/remembering-password-hasher.ts';
import { InMemoryMessageBuffer } from '../../src/adapters/memory/in-memory-message-buffer.ts';
import { InMemoryPresence } from '../../src/adapters/memory/in-memory-presence.ts';
import { RedisConnectionGateway } from '../../src/adapters/redis/redis-connection-gateway.ts';
import { RedisMessageBuffer } from '../../src/adapters/redis/redis-message-buffer.ts';
import { RedisPresence } from '../../src/adapters/redis/redis-presence.ts';
import { RedisScaleOut } from '../../src/adapters/redis/redis-scale-out.ts';
import { RedisSenderBuckets } from '../../src/adapters/redis/redis-sender-buckets.ts';
import { TcpConnectionGateway } from '../../src/adapters/tcp/tcp-connection-gateway.ts';
import { ReconnectingOnionService } from '../../src/adapters/tor/reconnecting-onion-service.ts';
import { KeyPackageFetchBuckets, LocalConnectionGateway, LocalIdGenerator } from '../../src/composition/local-tokens.ts';
import { serveContainer } from '../../src/composition/serve-container.ts';
import { resolve, resolveIfBound } from '../../src/composition/typed-module.ts';
import { ConnectionGateway } from '../../src/ports/connection-gateway.ts';
import { IdGenerator } from '../../src/ports/id-generator.ts';
import { MessageBuffer } from '../../src/ports/message-buffer.ts';
import { OnionService } from '../../src/ports/onion-service.ts';
import { OnionStatus } from '../../src/ports/onion-status.ts';
import { PasswordHasher } from '../../src/ports/password-hasher.ts';
import { Presence } from '../../src/ports/presence.ts';
import { SenderBuckets } from '../../src/ports/sender-buckets.ts';
import { RecordingLogger } from '../support/fakes.ts';

/** `serve`'s defaults (PROTOCOL "Command line"); nothing here opens a file or a socket. */
function options(overrides: Partial<ServeOptions> = {}): ServeOptions {
  return {
    host: '127.0.0.1', port: 0, dataDir: '/nonexistent', registration: 'closed', credentials: 'sqlite',
    buffer: 'memory', redisUrl: 'redis://127.0.0.1:1', presence: 'memory', onion: false, torControl: undefined,
    torPassword: undefined, onionPort: 7770, onionClientAuth: false, onionDownExitMs: 0, onionPow: 'on', onionPowQueueRate: 250,
    onionPowQueueBurst: 2500, onionMaxStreams: 32, web: false, webPort: 7780, webOrigin: undefined, maxFrameBytes: 65536, maxBodyBytes: 16384, maxHandshakeBytes: 1048576, queueMaxMessages: 1000,
    queueMaxBytes: 4194304, bufferMaxBytes: 268435456, messageTtlMs: 604800_000, authTimeoutMs: 10_000,
    idleTimeoutMs: 300_000, maxConnections: 10000, sendRate: 100, logLevel: 'info', ...overrides,
  };
}

test('alone, in memory: the core reaches connections through the TCP gateway itself; no Redis, no onion', async () => {
  const container = await serveContainer(options(), new RecordingLogger());
  assert.instance(resolve(container, MessageBuffer), InMemoryMessageBuffer);
  assert.instance(resolve(container, Presence), InMemoryPresence);
  assert.instance(resolve(container, ConnectionGateway), TcpConnectionGateway);
  assert.is(resolve(container, ConnectionGateway), resolve(container, LocalConnectionGateway));
  assert.is(resolve(container, IdGenerator), resolve(container, LocalIdGenerator));
  assert.instance(resolve(container, PasswordHasher), RememberingPasswordHasher);
  assert.is(resolveIfBound(container, RedisScaleOut), undefined);
  assert.is(resolveIfBound(container, OnionService), undefined);
});

test('--buffer redis: queues in Redis, presence and delivery still this process\'s own', async () => {
  const container = await serveContainer(options({ buffer: 'redis' }), new RecordingLogger());
  assert.instance(resolve(container, MessageBuffer), RedisMessageBuffer);
  assert.instance(resolve(container, Presence), InMemoryPresence);
  assert.is(resolve(container, ConnectionGateway), resolve(container, LocalConnectionGateway));
  assert.instance(resolveIfBound(container, RedisScaleOut), RedisScaleOut);
});

test('--presence redis: the core\'s gateway is the Redis decorator, bound under its own key, and ids carry the instance', async () => {
  const container = await serveContainer(options({ buffer: 'redis', presence: 'redis' }), new RecordingLogger());
  assert.instance(resolve(container, Presence), RedisPresence);
  const gateway = resolve(container, ConnectionGateway);
  assert.instance(gateway, RedisConnectionGateway);
  assert.is(gateway, resolve(container, RedisConnectionGateway));
  assert.instance(resolve(container, LocalConnectionGateway), TcpConnectionGateway);
  assert.match(resolve(container, IdGenerator).connectionId(), /^c-[0-9a-f]+\.[0-9a-f]+$/);
  assert.match(resolve(container, LocalIdGenerator).connectionId(), /^c-[0-9a-f]+$/);
  // A batch of Redis takes shares one rate: key-package fetches get buckets of their own (docs/protocol.md "Devices and key packages").
  assert.instance(resolve(container, KeyPackageFetchBuckets), RedisSenderBuckets);
  assert.is.not(resolve(container, KeyPackageFetchBuckets), resolve(container, SenderBuckets));
});

test('--onion: the onion service is the reconnecting Tor control adapter, from the container, and hello\'s status is it', async () => {
  const container = await serveContainer(options({ onion: true, torControl: '127.0.0.1:9051' }), new RecordingLogger());
  assert.instance(resolveIfBound(container, OnionService), ReconnectingOnionService);
  assert.is(resolveIfBound(container, OnionStatus), resolveIfBound(container, OnionService));
});

test.run();
