import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy on loopback that forwards to `target` and keeps every byte that crosses it, both ways. */
export class RecordingProxy {
  readonly chunks: Buffer[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server, readonly port: number) {}

  /** `port`: where to listen (a free one by default). */
  static async start(target: number, port = 0): Promise<RecordingProxy> {
    let proxy: RecordingProxy | undefined;
    const server = createServer((client) => proxy!.forward(client, target));
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    proxy = new RecordingProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  /** Everything recorded, as one buffer. */
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, target: number): void {
    const upstream = connect(target, '127.0.0.1');
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      this.sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        this.chunks.push(chunk);
        to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.end();
      });
    }
  }
}
