import { connect, createServer, type Server, type Socket } from 'node:net';

export interface SocksRequest {
  /** SOCKS5 address type: 1 IPv4, 3 a host name (resolved by the proxy), 4 IPv6. */
  readonly addressType: number;
  readonly host: string;
  readonly port: number;
}

/**
 * A minimal SOCKS5 proxy for tests (RFC 1928, CONNECT only). Offered username and password
 * (RFC 1929), it takes and records them, as Tor does for circuit isolation; it checks nothing. It resolves
 * names only through `routes` (`host:port` → a local port), never DNS, as Tor would for a
 * `.onion`; anything else is refused with "host unreachable".
 */
export class Socks5Proxy {
  readonly requests: SocksRequest[] = [];
  /** The username and password of each connection that gave them, in order. */
  readonly credentials: { readonly username: string; readonly password: string }[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly routes: ReadonlyMap<string, number>) {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `socks5://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = Buffer.alloc(0);
    let greeted = false;
    let authenticating = false;
    const onData = (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!greeted) {
        if (buffer.length < 2 || buffer.length < 2 + (buffer[1] ?? 0)) return;
        authenticating = buffer.subarray(2, 2 + (buffer[1] ?? 0)).includes(2);
        buffer = buffer.subarray(2 + (buffer[1] ?? 0));
        greeted = true;
        socket.write(Buffer.from([5, authenticating ? 2 : 0]));
      }
      if (authenticating) {
        const userEnd = 2 + (buffer[1] ?? 0);
        if (buffer.length < userEnd + 1 || buffer.length < userEnd + 1 + (buffer[userEnd] ?? 0)) return;
        const passwordEnd = userEnd + 1 + buffer[userEnd]!;
        this.credentials.push({ username: buffer.subarray(2, userEnd).toString(), password: buffer.subarray(userEnd + 1, passwordEnd).toString() });
        buffer = buffer.subarray(passwordEnd);
        authenticating = false;
        socket.write(Buffer.from([1, 0]));
      }
      const request = parseConnect(buffer);
      if (!request) return;
      socket.off('data', onData);
      this.requests.push(request);
      const port = this.routes.get(`${request.host}:${request.port}`);
      if (port === undefined) return void socket.end(Buffer.from([5, 4, 0, 1, 0, 0, 0, 0, 0, 0]));
      const upstream = connect(port, '127.0.0.1', () => {
        socket.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
        socket.pipe(upstream).pipe(socket);
      });
      this.sockets.add(upstream);
      upstream.on('close', () => { this.sockets.delete(upstream); socket.destroy(); });
      upstream.on('error', () => socket.destroy());
      socket.on('close', () => upstream.destroy());
    };
    socket.on('data', onData);
  }
}

function parseConnect(buffer: Buffer): SocksRequest | undefined {
  if (buffer.length < 5) return undefined;
  const addressType = buffer[3] ?? 0;
  let host: string;
  let end: number;
  if (addressType === 1) {
    end = 4 + 4;
    if (buffer.length < end + 2) return undefined;
    host = [...buffer.subarray(4, end)].join('.');
  } else if (addressType === 3) {
    end = 5 + (buffer[4] ?? 0);
    if (buffer.length < end + 2) return undefined;
    host = buffer.subarray(5, end).toString('latin1');
  } else {
    end = 4 + 16;
    if (buffer.length < end + 2) return undefined;
    host = buffer.subarray(4, end).toString('hex');
  }
  return { addressType, host, port: buffer.readUInt16BE(end) };
}
