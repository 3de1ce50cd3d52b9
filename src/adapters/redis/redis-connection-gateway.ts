import type { Redis } from 'ioredis';
import type { ConnectionId } from '../../domain/session.ts';
import type { OutboundFrame } from '../../domain/frames.ts';
import type { ConnectionGateway } from '../../ports/connection-gateway.ts';
import type { Logger } from '../../ports/logger.ts';
import { instanceChannel } from './instance-command.ts';
import type { InstanceCommand } from './instance-command.ts';
import { instanceOf } from './instance-identity.ts';
import type { InstanceIdentity } from './instance-identity.ts';

/**
 * Decorates this process's gateway so the core reaches connections held by other instances:
 * what is meant for one of them is published on its instance's Redis channel, where that
 * instance's RedisInstanceListener applies it.
 */
export class RedisConnectionGateway implements ConnectionGateway {
  constructor(
    private readonly local: ConnectionGateway,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly identity: InstanceIdentity,
    private readonly logger: Logger,
  ) {}

  send(connection: ConnectionId, frame: OutboundFrame): void {
    if (this.identity.holds(connection)) this.local.send(connection, frame);
    else this.publish({ do: 'send', connection, frame });
  }

  close(connection: ConnectionId): void {
    if (this.identity.holds(connection)) this.local.close(connection);
    else this.publish({ do: 'close', connection });
  }

  /** Only this process's connections can take anything directly. */
  canTakeMore(connection: ConnectionId): boolean {
    return this.identity.holds(connection) && this.local.canTakeMore(connection);
  }

  wake(connection: ConnectionId): void {
    if (this.identity.holds(connection)) this.local.wake(connection);
    else this.publish({ do: 'wake', connection });
  }

  private publish(command: InstanceCommand): void {
    const instance = instanceOf(command.connection);
    if (instance === undefined) return;
    // Commands are hints about live connections: one lost while Redis is away costs a receipt
    // or a prompt push, never a message, which stays queued until acknowledged.
    this.redis.publish(instanceChannel(this.prefix, instance), JSON.stringify(command)).catch((error: Error) => {
      this.logger.log('warn', 'instance_command_lost', { command: command.do, conn: command.connection, reason: error.message });
    });
  }
}
