import type { Redis } from 'ioredis';
import type { ConnectionId } from '../../domain/session.ts';
import type { OutboundFrame } from '../../domain/frames.ts';
import type { OperatorName } from '../../domain/names.ts';
import type { ConnectionGateway } from '../../ports/connection-gateway.ts';
import type { Logger } from '../../ports/logger.ts';
import { instanceChannel } from './instance-command.ts';
import type { InstanceCommand, WakeCommand } from './instance-command.ts';
import { instanceOf } from './instance-identity.ts';
import type { InstanceIdentity } from './instance-identity.ts';

/**
 * Decorates this process's gateway so the core reaches connections held by other instances:
 * what is meant for one of them is published on its instance's Redis channel, where that
 * instance's RedisInstanceListener applies it.
 */
export class RedisConnectionGateway implements ConnectionGateway {
  private readonly pending = new Map<string, InstanceCommand[]>();
  /** Connections of other instances woken in this turn, once each, for the highest number. */
  private readonly woken = new Map<ConnectionId, WakeCommand>();

  constructor(
    private readonly local: ConnectionGateway,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly identity: InstanceIdentity,
    private readonly logger: Logger,
  ) {}

  send(connection: ConnectionId, frame: OutboundFrame): void {
    if (this.identity.holds(connection)) this.local.send(connection, frame);
    // docs/protocol.md "Unreadable copies": a flagged receipt crosses as the frame itself, which an
    // instance of an older version passes on as it is (a `receipts` command would lose the flag).
    else if (frame.op === 'receipt' && frame.unreadable === undefined) this.publishReceipt(connection, frame.to, frame.id);
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

  wake(connection: ConnectionId, seq: number): void {
    if (this.identity.holds(connection)) return this.local.wake(connection, seq);
    const woken = this.woken.get(connection);
    if (woken !== undefined) woken.seq = Math.max(woken.seq, seq);
    else {
      const command: WakeCommand = { do: 'wake', connection, seq };
      this.woken.set(connection, command);
      this.publish(command);
    }
  }

  /** Joins the receipt to the command before it when that is one for the same connection and recipient. */
  private publishReceipt(connection: ConnectionId, to: OperatorName, id: string): void {
    const last = this.pending.get(instanceOf(connection) ?? '')?.at(-1);
    if (last?.do === 'receipts' && last.connection === connection && last.to === to) last.ids.push(id);
    else this.publish({ do: 'receipts', connection, to, ids: [id] });
  }

  /** The commands of one event-loop turn go to each instance in one message. */
  private publish(command: InstanceCommand): void {
    const instance = instanceOf(command.connection);
    if (instance === undefined) return;
    if (this.pending.size === 0) setImmediate(() => this.flush());
    const commands = this.pending.get(instance);
    if (commands === undefined) this.pending.set(instance, [command]);
    else commands.push(command);
  }

  private flush(): void {
    for (const [instance, commands] of this.pending) {
      // Commands are hints about live connections: one lost while Redis is away costs a receipt
      // or a prompt push, never a message, which stays queued until acknowledged.
      this.redis.publish(instanceChannel(this.prefix, instance), JSON.stringify(commands)).catch((error: Error) => {
        this.logger.log('warn', 'instance_commands_lost', { instance, commands: commands.length, reason: error.message });
      });
    }
    this.pending.clear();
    this.woken.clear();
  }
}
