import type { ContainerModule } from 'inversify';
import type { Redis } from 'ioredis';
import { RedisBootId } from '../adapters/redis/redis-boot-id.ts';
import { InstanceIdGenerator } from '../adapters/redis/instance-id-generator.ts';
import { InstanceIdentity } from '../adapters/redis/instance-identity.ts';
import { DEFAULT_KEY_PREFIX, RedisClient, RedisKeyPrefix } from '../adapters/redis/redis-client.ts';
import { RedisConnectionGateway } from '../adapters/redis/redis-connection-gateway.ts';
import { RedisConnections } from '../adapters/redis/redis-connections.ts';
import { RedisInstanceListener } from '../adapters/redis/redis-instance-listener.ts';
import { RedisMessageBuffer } from '../adapters/redis/redis-message-buffer.ts';
import { RedisPresenceHints } from '../adapters/redis/redis-presence-hints.ts';
import { DEFAULT_PRESENCE_TTL_MS, RedisPresence, RedisPresenceOptions } from '../adapters/redis/redis-presence.ts';
import { RedisScaleOut } from '../adapters/redis/redis-scale-out.ts';
import { RedisSenderBuckets } from '../adapters/redis/redis-sender-buckets.ts';
import { RedisThrottleStore } from '../adapters/redis/redis-throttle-store.ts';
import { Relay } from '../domain/relay.ts';
import { ConnectionGateway } from '../ports/connection-gateway.ts';
import { BootId } from '../ports/boot-id.ts';
import { IdGenerator } from '../ports/id-generator.ts';
import { Logger } from '../ports/logger.ts';
import { MessageBuffer } from '../ports/message-buffer.ts';
import { Presence } from '../ports/presence.ts';
import { SenderBuckets } from '../ports/sender-buckets.ts';
import { ThrottleStore } from '../ports/throttle-store.ts';
import { KeyPackageFetchBuckets, LocalConnectionGateway, LocalIdGenerator } from './local-tokens.ts';
import { typedModule } from './typed-module.ts';

export interface RedisSelection {
  readonly url: string;
  /** Presence in Redis too: the instances on this Redis act as one server. */
  readonly presence: boolean;
}

/**
 * Queues in Redis (`--buffer redis`) and, with `--presence redis`, presence, delivery and the
 * limits (throttle, send rate) across instances: the core's ids and gateway are then the local ones decorated, the ids
 * stamped with this instance and the gateway reaching other instances' connections.
 * `RedisScaleOut` must be opened before the server listens.
 */
export function redisModule(selection: RedisSelection): ContainerModule {
  return typedModule((bind) => {
    bind(RedisConnections).toResolvedValue((logger: Logger) => new RedisConnections(selection.url, logger), [Logger]).inSingletonScope();
    bind(RedisClient).toResolvedValue((connections: RedisConnections) => connections.commands, [RedisConnections]).inSingletonScope();
    bind(RedisKeyPrefix).toConstantValue(DEFAULT_KEY_PREFIX);
    bind(MessageBuffer).to(RedisMessageBuffer).inSingletonScope();
    bind(RedisBootId)
      .toResolvedValue((redis: Redis, prefix: string, logger: Logger) => new RedisBootId(redis, prefix, logger), [RedisClient, RedisKeyPrefix, Logger])
      .inSingletonScope();
    bind(BootId).toService(RedisBootId);
    if (!selection.presence) {
      bind(RedisScaleOut)
        .toResolvedValue((connections: RedisConnections, boot: RedisBootId) => new RedisScaleOut(connections, boot, undefined, undefined), [RedisConnections, RedisBootId])
        .inSingletonScope();
      return;
    }
    bind(InstanceIdentity).toConstantValue(new InstanceIdentity());
    bind(RedisPresenceHints).toConstantValue(new RedisPresenceHints());
    bind(RedisPresenceOptions).toConstantValue({ ttlMs: DEFAULT_PRESENCE_TTL_MS });
    bind(RedisPresence).toSelf().inSingletonScope();
    bind(Presence).toService(RedisPresence);
    bind(ThrottleStore).to(RedisThrottleStore).inSingletonScope();
    bind(SenderBuckets).to(RedisSenderBuckets).inSingletonScope();
    bind(KeyPackageFetchBuckets).to(RedisSenderBuckets).inSingletonScope();
    bind(InstanceIdGenerator)
      .toResolvedValue((local: IdGenerator, identity: InstanceIdentity) => new InstanceIdGenerator(local, identity), [LocalIdGenerator, InstanceIdentity])
      .inSingletonScope();
    bind(IdGenerator).toService(InstanceIdGenerator);
    bind(RedisConnectionGateway)
      .toResolvedValue(
        (local: ConnectionGateway, redis: Redis, prefix: string, identity: InstanceIdentity, logger: Logger) =>
          new RedisConnectionGateway(local, redis, prefix, identity, logger),
        [LocalConnectionGateway, RedisClient, RedisKeyPrefix, InstanceIdentity, Logger],
      )
      .inSingletonScope();
    bind(ConnectionGateway).toService(RedisConnectionGateway);
    bind(RedisInstanceListener)
      .toResolvedValue(
        (connections: RedisConnections, prefix: string, identity: InstanceIdentity, local: ConnectionGateway, relay: Relay, logger: Logger) =>
          new RedisInstanceListener(connections.subscriber, prefix, identity, local, (connection, seq) => relay.onWake(connection, seq), logger),
        [RedisConnections, RedisKeyPrefix, InstanceIdentity, LocalConnectionGateway, Relay, Logger],
      )
      .inSingletonScope();
    bind(RedisScaleOut)
      .toResolvedValue(
        (connections: RedisConnections, boot: RedisBootId, presence: RedisPresence, listener: RedisInstanceListener) =>
          new RedisScaleOut(connections, boot, presence, listener),
        [RedisConnections, RedisBootId, RedisPresence, RedisInstanceListener],
      )
      .inSingletonScope();
  });
}
