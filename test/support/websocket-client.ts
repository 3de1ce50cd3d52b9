import { WebSocket } from 'ws';
import type { Frame } from './protocol-client.ts';
import { PASSWORD } from './seed-operators.ts';

/** A test client of the web transport: one JSON frame per text message, awaited by op with a timeout. */
export class WebSocketClient {
  private readonly received: Frame[] = [];
  private cursor = 0;
  private wake: () => void = () => undefined;
  closeCode: number | undefined;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (!isBinary) this.received.push(JSON.parse(String(data)) as Frame);
      this.wake();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.wake();
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

  async next(op?: string, timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.received.length) {
        const frame = this.received[this.cursor++]!;
        if (op === undefined || frame.op === op) return frame;
      }
      if (this.closeCode !== undefined || Date.now() > deadline) throw new Error(`no ${op ?? 'frame'} (closed: ${this.closeCode}); got ${JSON.stringify(this.received)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async closed(timeoutMs = 5_000): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.closeCode;
  }

  close(): void {
    this.socket.terminate();
  }
}
