import { inject, injectable } from 'inversify';
import type { ConnectionId } from '../../domain/session.ts';
import type { OutboundFrame } from '../../domain/frames.ts';
import type { ConnectionGateway } from '../../ports/connection-gateway.ts';
import { encodeFrame } from './frame-encoder.ts';
import { TcpConnectionRegistry } from './tcp-connection-registry.ts';

/** Frames become JSON text here, at the edge, once each; the connection joins them into lines. */
@injectable()
export class TcpConnectionGateway implements ConnectionGateway {
  constructor(@inject(TcpConnectionRegistry) private readonly connections: TcpConnectionRegistry) {}

  send(connection: ConnectionId, frame: OutboundFrame): void {
    this.connections.get(connection)?.send(encodeFrame(frame));
  }

  close(connection: ConnectionId): void {
    this.connections.get(connection)?.close();
  }

  canTakeMore(connection: ConnectionId): boolean {
    return this.connections.get(connection)?.canTakeMore() ?? false;
  }

  /** Only connections of this process exist here; the core pushes to them directly. */
  wake(): void {}
}
