import { WebSocket } from 'ws';
import { FrameInbox } from './frame-inbox.ts';
import type { Frame } from './protocol-client.ts';
import { PASSWORD } from './seed-operators.ts';

/** A test client of the web transport: one JSON frame per text message, awaited by op with a timeout. */
export class WebSocketClient {
  private readonly inbox = new FrameInbox();
  closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.inbox.push(JSON.parse(String(data)) as Frame);
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.inbox.close();
    });
    socket.on('error', () => undefined);
  }

  /** Resolves once open; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, origin: string | undefined): Promise<WebSocketClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, origin === undefined ? {} : { origin });
      socket.once('open', () => resolve(new WebSocketClient(socket)));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`refused: ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  static async login(url: string, origin: string, name: string): Promise<WebSocketClient> {
    const client = await WebSocketClient.connect(url, origin);
    await client.next('hello');
    client.send({ op: 'auth', name, password: PASSWORD });
    await client.next('welcome');
    return client;
  }

  send(frame: Frame | string | Buffer): void {
    this.socket.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame));
  }

  next(op?: string, timeoutMs?: number): Promise<Frame> {
    return this.inbox.next(op, timeoutMs);
  }

  /** The close code once closed, undefined on timeout. */
  async closed(timeoutMs?: number): Promise<number | undefined> {
    await this.inbox.waitClosed(timeoutMs);
    return this.closeCode;
  }

  close(): void {
    this.socket.terminate();
  }
}
