import type { Redis } from 'ioredis';
import { logFailure, unawaited } from '../../domain/log-failure.ts';
import type { ConnectionGateway } from '../../ports/connection-gateway.ts';
import type { Logger } from '../../ports/logger.ts';
import { instanceChannel, parseInstanceCommands } from './instance-command.ts';
import type { InstanceCommand } from './instance-command.ts';
import type { InstanceIdentity } from './instance-identity.ts';

/**
 * Pushes what is queued for one of this process's connections, message `seq` included (the
 * relay's `onWake`, which logs its own failures).
 */
export type PushQueued = (connection: string, seq: number) => Promise<void>;

/**
 * Applies, to this process's connections, what other instances published on its channel. It
 * needs a Redis connection of its own: a subscribed one can do nothing else.
 */
export class RedisInstanceListener {
  constructor(
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly identity: InstanceIdentity,
    private readonly local: ConnectionGateway,
    private readonly push: PushQueued,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    const channel = instanceChannel(this.prefix, this.identity.instance);
    this.subscriber.on('message', (from: string, text: string) => {
      if (from === channel) this.apply(text);
    });
    await this.subscriber.subscribe(channel);
  }

  /**
   * A command that fails is logged where (never what) and the others still apply: thrown from
   * a subscriber's event, it would end the process and every queue with it (issue 24).
   */
  private apply(text: string): void {
    for (const command of parseInstanceCommands(text)) {
      if (!this.identity.holds(command.connection)) continue;
      try {
        this.applyOne(command);
      } catch (error) {
        logFailure(this.logger, { conn: command.connection, op: command.do }, error);
      }
    }
  }

  private applyOne(command: InstanceCommand): void {
    switch (command.do) {
      case 'send':
        return this.local.send(command.connection, command.frame);
      case 'receipts':
        for (const id of command.ids) this.local.send(command.connection, { op: 'receipt', id, to: command.to });
        return;
      case 'close':
        return this.local.close(command.connection);
      case 'wake':
        void unawaited(this.push(command.connection, command.seq), this.logger, { conn: command.connection, op: 'wake' });
    }
  }
}
