import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { LineSplitter } from '../../src/client/line-splitter.ts';
import { FrameInbox } from './frame-inbox.ts';
import { PASSWORD } from './seed-operators.ts';

export type Frame = Record<string, unknown> & { op?: string };

/**
 * A test client that speaks JSON lines and lets a test wait for the next frame (or one of a
 * given op), with a timeout so a missing frame fails the test instead of hanging it.
 */
export class ProtocolClient {
  private readonly inbox = new FrameInbox();
  private readonly lines = new LineSplitter();

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.lines.push(chunk, (line) => this.inbox.push(JSON.parse(line) as Frame)));
    socket.on('close', () => this.inbox.close());
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

  /** Every frame received, consumed or not. */
  get received(): Frame[] {
    return this.inbox.frames;
  }

  get closed(): boolean {
    return this.inbox.closed;
  }

  send(frame: Frame): void {
    this.socket.write(`${JSON.stringify(frame)}\n`);
  }

  sendRaw(data: string | Buffer): void {
    this.socket.write(data);
  }

  next(op?: string, timeoutMs?: number): Promise<Frame> {
    return this.inbox.next(op, timeoutMs);
  }

  waitClosed(timeoutMs?: number): Promise<boolean> {
    return this.inbox.waitClosed(timeoutMs);
  }

  pending(ms?: number): Promise<Frame[]> {
    return this.inbox.pending(ms);
  }

  close(): void {
    this.socket.destroy();
  }
}
