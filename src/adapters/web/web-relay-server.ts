import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { inject, injectable } from 'inversify';
import { WebSocketServer } from 'ws';
import { Relay } from '../../domain/relay.ts';
import { IdGenerator } from '../../ports/id-generator.ts';
import { Logger } from '../../ports/logger.ts';
import { ListenError } from '../tcp/listen-error.ts';
import { TcpConnection } from '../tcp/tcp-connection.ts';
import { TcpConnectionRegistry } from '../tcp/tcp-connection-registry.ts';
import { TransportOptions } from '../tcp/transport-options.ts';
import { originAllowed } from './allowed-origins.ts';
import { SECURITY_HEADERS } from './security-headers.ts';
import { StaticApp } from './static-app.ts';
import { OnionAddress, WebOptions } from './web-options.ts';
import { WebSocketStream } from './websocket-stream.ts';

/** Where the app's WebSocket is reached; every other path is a file or nothing. */
const WEBSOCKET_PATH = '/ws';

/**
 * `serve --web`: the app's files and its WebSocket on a listener of their own (the onion's
 * port 80). Each WebSocket becomes a TcpConnection over a WebSocketStream, in the TCP
 * transport's registry: the same connection code, gateway, flush, timeouts and shutdown serve
 * it. Nothing about a request is logged but that one was refused.
 */
@injectable()
export class WebRelayServer {
  private readonly server: Server;
  private readonly sockets: WebSocketServer;
  private readonly app: StaticApp;
  private address: AddressInfo | undefined;

  constructor(
    @inject(Relay) private readonly relay: Relay,
    @inject(TcpConnectionRegistry) private readonly connections: TcpConnectionRegistry,
    @inject(IdGenerator) private readonly ids: IdGenerator,
    @inject(TransportOptions) private readonly transport: TransportOptions,
    @inject(WebOptions) private readonly options: WebOptions,
    @inject(OnionAddress) private readonly onion: OnionAddress,
    @inject(Logger) private readonly logger: Logger,
  ) {
    this.app = new StaticApp(options.appDirectory);
    this.sockets = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: transport.maxFrameBytes,
      // Compressing secrets next to what a peer chose leaks them (CRIME); and it costs every frame CPU.
      perMessageDeflate: false,
    });
    this.server = createServer({ requestTimeout: 10_000, headersTimeout: 10_000 }, (request, response) => this.answer(request, response));
    // Beyond it Node closes a new socket at once. One more than the relay's limit, so a WebSocket
    // past that limit is still accepted and told server_busy, as a TCP client is.
    this.server.maxConnections = options.maxConnections + 1;
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(request, socket, head));
  }

  listen(): Promise<AddressInfo> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(new ListenError(`cannot listen on ${host}:${port} for --web: ${error.message}`));
      this.server.once('error', fail);
      this.server.listen({ host, port }, () => {
        this.server.off('error', fail);
        this.address = this.server.address() as AddressInfo;
        resolve(this.address);
      });
    });
  }

  /** Stops accepting; the WebSockets get their bye from the TCP listener's shutdown, which waits for the registry to empty. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private answer(request: IncomingMessage, response: ServerResponse): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const path = (request.url ?? '/').split('?', 1)[0]!;
    if (request.method !== 'GET' && request.method !== 'HEAD') return this.plain(response, 405, 'method not allowed');
    const file = this.app.find(path);
    if (file === undefined) return this.plain(response, 404, 'not found');
    const gzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
    response.writeHead(200, { 'Content-Type': file.type, Vary: 'Accept-Encoding', ...(gzip ? { 'Content-Encoding': 'gzip' } : {}) });
    response.end(request.method === 'HEAD' ? undefined : gzip ? file.gzipped : file.body);
  }

  private plain(response: ServerResponse, status: number, text: string): void {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`${text}\n`);
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '/').split('?', 1)[0];
    const rules = { listening: { host: this.options.host, port: this.address?.port ?? this.options.port }, onion: this.onion.address, extra: this.options.origins };
    if (path !== WEBSOCKET_PATH || !originAllowed(request.headers.origin, request.headers.host, rules)) {
      this.logger.log('warn', 'web_upgrade_refused', { reason: path === WEBSOCKET_PATH ? 'origin' : 'path' });
      const headers = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('');
      socket.end(`HTTP/1.1 403 Forbidden\r\n${headers}Content-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (websocket) => {
      const id = this.ids.connectionId();
      this.connections.add(new TcpConnection(id, new WebSocketStream(websocket, socket), this.relay, this.transport, this.connections, this.logger));
      this.relay.onOpen(id);
    });
  }
}
