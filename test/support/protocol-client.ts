import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { LineSplitter } from '../../src/client/line-splitter.ts';
import { PASSWORD } from './seed-operators.ts';

export type Frame = Record<string, unknown> & { op?: string };

/**
 * A test client that speaks JSON lines and lets a test wait for the next frame (or one of a
 * given op), with a timeout so a missing frame fails the test instead of hanging it.
 */
export class ProtocolClient {
  readonly received: Frame[] = [];
  private readonly lines = new LineSplitter();
  private waiters: (() => void)[] = [];
  private closedFlag = false;
  private cursor = 0;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.lines.push(chunk, (line) => this.received.push(JSON.parse(line) as Frame));
      this.wake();
    });
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1'): Promise<ProtocolClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => resolve(new ProtocolClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connects, reads hello, authenticates and reads welcome. */
  static async login(port: number, name: string, password = PASSWORD): Promise<ProtocolClient> {
    const client = await ProtocolClient.connect(port);
    await client.next('hello');
    client.send({ op: 'auth', name, password });
    const welcome = await client.next();
    if (welcome.op !== 'welcome') throw new Error(`login as ${name} failed: ${JSON.stringify(welcome)}`);
    return client;
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  send(frame: Frame): void {
    this.socket.write(`${JSON.stringify(frame)}\n`);
  }

  sendRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next frame not yet consumed; with `op`, frames of other ops before it are skipped. */
  async next(op?: string, timeoutMs = 5_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.received.length) {
        const frame = this.received[this.cursor++]!;
        if (op === undefined || frame.op === op) return frame;
      }
      if (this.closedFlag) throw new Error(`connection closed while waiting for ${op ?? 'a frame'}; got ${JSON.stringify(this.received)}`);
      if (!(await this.waitForData(deadline - Date.now()))) {
        throw new Error(`no ${op ?? 'frame'} within ${timeoutMs} ms; got ${JSON.stringify(this.received)}`);
      }
    }
  }

  /** Resolves true once the server has closed the connection, false on timeout. */
  async waitClosed(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closedFlag) if (!(await this.waitForData(deadline - Date.now()))) return false;
    return true;
  }

  /** Frames received and not yet consumed by `next`, after waiting `ms` for more. */
  async pending(ms = 200): Promise<Frame[]> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.received.slice(this.cursor);
  }

  close(): void {
    this.socket.destroy();
  }

  private waitForData(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve(false);
      }, ms);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
