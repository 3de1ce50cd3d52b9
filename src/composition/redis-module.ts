import { ContainerModule } from 'inversify';
import { InstanceIdGenerator } from '../adapters/redis/instance-id-generator.ts';
import { InstanceIdentity } from '../adapters/redis/instance-identity.ts';
import { DEFAULT_KEY_PREFIX, RedisClient, RedisKeyPrefix } from '../adapters/redis/redis-client.ts';
import { RedisConnectionGateway } from '../adapters/redis/redis-connection-gateway.ts';
import { RedisConnections } from '../adapters/redis/redis-connections.ts';
import { RedisInstanceListener } from '../adapters/redis/redis-instance-listener.ts';
import { RedisMessageBuffer } from '../adapters/redis/redis-message-buffer.ts';
import { DEFAULT_PRESENCE_TTL_MS, RedisPresence, RedisPresenceOptions } from '../adapters/redis/redis-presence.ts';
import { RedisScaleOut } from '../adapters/redis/redis-scale-out.ts';
import { Relay } from '../domain/relay.ts';
import { ConnectionGateway } from '../ports/connection-gateway.ts';
import { IdGenerator } from '../ports/id-generator.ts';
import { Logger } from '../ports/logger.ts';
import { MessageBuffer } from '../ports/message-buffer.ts';
import { Presence } from '../ports/presence.ts';

export interface RedisSelection {
  readonly url: string;
  /** Presence in Redis too: the instances on this Redis act as one server. */
  readonly presence: boolean;
}

/**
 * Queues in Redis (`--buffer redis`) and, with `--presence redis`, presence and delivery
 * across instances: connection ids get the instance stamped on them, and the gateway is
 * decorated to reach other instances' connections. `RedisScaleOut` must be opened before the
 * server listens.
 */
export function redisModule(selection: RedisSelection): ContainerModule {
  return new ContainerModule(({ bind, onActivation }) => {
    bind(RedisConnections).toResolvedValue((logger: Logger) => new RedisConnections(selection.url, logger), [Logger]).inSingletonScope();
    bind(RedisClient).toResolvedValue((connections: RedisConnections) => connections.commands, [RedisConnections]).inSingletonScope();
    bind<string>(RedisKeyPrefix).toConstantValue(DEFAULT_KEY_PREFIX);
    bind(MessageBuffer).to(RedisMessageBuffer).inSingletonScope();
    if (!selection.presence) {
      bind(RedisScaleOut).toResolvedValue((connections: RedisConnections) => new RedisScaleOut(connections, undefined, undefined), [RedisConnections]).inSingletonScope();
      return;
    }
    bind(InstanceIdentity).toConstantValue(new InstanceIdentity());
    bind<RedisPresenceOptions>(RedisPresenceOptions).toConstantValue({ ttlMs: DEFAULT_PRESENCE_TTL_MS });
    bind(RedisPresence).toSelf().inSingletonScope();
    bind(Presence).toService(RedisPresence);
    onActivation(IdGenerator, (context, ids: IdGenerator) => new InstanceIdGenerator(ids, context.get(InstanceIdentity)));
    onActivation(ConnectionGateway, (context, local: ConnectionGateway) =>
      new RedisConnectionGateway(local, context.get(RedisClient), context.get(RedisKeyPrefix), context.get(InstanceIdentity), context.get(Logger)));
    bind(RedisInstanceListener)
      .toResolvedValue(
        (connections: RedisConnections, prefix: string, identity: InstanceIdentity, gateway: ConnectionGateway, relay: Relay, logger: Logger) =>
          new RedisInstanceListener(connections.subscriber, prefix, identity, gateway, (connection) => relay.onDrain(connection), logger),
        [RedisConnections, RedisKeyPrefix, InstanceIdentity, ConnectionGateway, Relay, Logger],
      )
      .inSingletonScope();
    bind(RedisScaleOut)
      .toResolvedValue(
        (connections: RedisConnections, presence: RedisPresence, listener: RedisInstanceListener) => new RedisScaleOut(connections, presence, listener),
        [RedisConnections, RedisPresence, RedisInstanceListener],
      )
      .inSingletonScope();
  });
}
