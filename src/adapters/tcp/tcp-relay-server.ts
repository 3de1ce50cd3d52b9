import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { inject, injectable } from 'inversify';
import { Relay } from '../../domain/relay.ts';
import { IdGenerator } from '../../ports/id-generator.ts';
import { Logger } from '../../ports/logger.ts';
import { ListenError } from './listen-error.ts';
import { TcpConnection } from './tcp-connection.ts';
import { TcpConnectionRegistry } from './tcp-connection-registry.ts';
import { TransportOptions } from './transport-options.ts';

/** How often idle and unauthenticated connections are looked for: a fraction of their timeouts, at most a second. */
const SWEEP_MAX_MS = 1_000;

/** The TCP face of the relay: accepts sockets and feeds their events to the handler core. */
@injectable()
export class TcpRelayServer {
  private readonly server: Server;
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    @inject(Relay) private readonly relay: Relay,
    @inject(TcpConnectionRegistry) private readonly connections: TcpConnectionRegistry,
    @inject(IdGenerator) private readonly ids: IdGenerator,
    @inject(TransportOptions) private readonly options: TransportOptions,
    @inject(Logger) private readonly logger: Logger,
  ) {
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Resolves with the address actually bound (port 0 picks a free one); rejects with a ListenError. */
  listen(): Promise<AddressInfo> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(new ListenError(`cannot listen on ${host}:${port}: ${error.message}`));
      this.server.once('error', fail);
      this.server.listen({ host, port }, () => {
        this.server.off('error', fail);
        const { idleTimeoutMs, authTimeoutMs } = this.options;
        const sweepEvery = Math.min(SWEEP_MAX_MS, Math.max(10, Math.min(idleTimeoutMs, authTimeoutMs) / 4));
        this.sweep = setInterval(() => this.sweepTimeouts(), sweepEvery);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /** Stops accepting, says bye to everyone, and resolves once every socket is closed (or `graceMs` passed). */
  async close(graceMs: number): Promise<void> {
    clearInterval(this.sweep);
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.relay.shutdown();
    const deadline = Date.now() + graceMs;
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const connection of this.connections.all()) connection.destroy();
    await stopped;
  }

  private accept(socket: Socket): void {
    const id = this.ids.connectionId();
    const connection = new TcpConnection(id, socket, this.relay, this.options, this.connections, this.logger);
    this.connections.add(connection);
    this.relay.onOpen(id);
  }

  private sweepTimeouts(): void {
    const now = Date.now();
    const cutoff = now - this.options.idleTimeoutMs;
    for (const connection of this.connections.all()) {
      connection.checkAuthDeadline(now);
      if (connection.lastActivity < cutoff) this.relay.onIdle(connection.id);
    }
  }
}
