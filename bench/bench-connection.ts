import type { Socket } from 'node:net';
import { signKeyLogin } from './bench-keys.ts';
import { type Endpoint, openSocket } from './endpoint.ts';
import { LineSplitter } from '../src/client/line-splitter.ts';
import { LoginRefused } from './login-refused.ts';

export type Frame = { op: string; [field: string]: unknown };

interface Waiter {
  until: (frame: Frame) => boolean;
  resolve: (frame: Frame) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const dirty: BenchConnection[] = [];
let flushScheduled = false;

function flushDirty(): void {
  flushScheduled = false;
  for (const conn of dirty.splice(0)) conn.flush();
}

/**
 * One client connection of the load generator. Frames queued while handling a received chunk
 * leave in one write, so the generator itself stays cheap per message.
 */
export class BenchConnection {
  /** Called for every frame received; workloads replace it. */
  onFrame: (frame: Frame) => void = () => {};
  /** Called for every line received; a workload's fast path may replace it and call `dispatch`. */
  onLine: (line: string) => void = (line) => this.dispatch(JSON.parse(line) as Frame);
  /** Called just before queued frames are written (receivers add their batched ack here). */
  beforeFlush: (() => void) | undefined;
  readonly closed: Promise<void>;
  private out: string[] = [];
  /** Something queued may be beyond ASCII: write as UTF-8, else as (faster) Latin-1. */
  private utf8 = false;
  private queued = false;
  private waiters: Waiter[] = [];
  private readonly lines = new LineSplitter();

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.lines.push(chunk, (line) => this.receive(line)));
    socket.on('error', () => socket.destroy());
    this.closed = new Promise((resolve) => socket.once('close', () => {
      for (const waiter of this.waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('connection closed'));
      }
      resolve();
    }));
  }

  /** Connects and waits for the server's `hello` (PROTOCOL "Session" 1). */
  static async open(endpoint: Endpoint, timeoutMs: number): Promise<{ conn: BenchConnection; hello: Frame }> {
    const conn = new BenchConnection(await openSocket(endpoint, timeoutMs));
    try {
      const hello = await conn.waitFor((f) => f.op === 'hello' || f.op === 'error', timeoutMs);
      if (hello.op !== 'hello') throw new Error(`server refused the connection: ${String(hello.code)}`);
      return { conn, hello };
    } catch (error) {
      conn.destroy();
      throw error;
    }
  }

  /**
   * Authenticates (or registers) and resolves with the `welcome`, or rejects with the error code.
   * `auth_key` signs the challenge of `hello` with the operator's bench identity instead of a password.
   */
  async login(op: 'auth' | 'register' | 'auth_key', name: string, password: string, timeoutMs: number, hello?: Frame): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.send(JSON.stringify(op === 'auth_key' ? { op, name, signature: signKeyLogin(name, hello ?? {}) } : { op, name, password }));
      const answer = await this.waitFor((f) => f.op === 'welcome' || f.op === 'error', Math.max(1, deadline - Date.now()));
      if (answer.op !== 'error') return answer;
      // A busy server asks for patience: a well-behaved client waits as told, then tries again.
      const wait = typeof answer.retry_after_ms === 'number' ? answer.retry_after_ms : undefined;
      if (answer.code !== 'rate_limited' || wait === undefined || Date.now() + wait >= deadline) {
        throw new LoginRefused(String(answer.code));
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  waitFor(until: (frame: Frame) => boolean, timeoutMs: number): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = { until, resolve, reject, timer };
      this.waiters.push(waiter);
    });
  }

  /** Queues a frame line; it leaves with the others queued in this event-loop turn. */
  send(line: string, ascii = false): void {
    if (!ascii) this.utf8 = true;
    this.out.push(line);
    if (!this.queued) {
      this.queued = true;
      dirty.push(this);
      if (!flushScheduled) {
        flushScheduled = true;
        queueMicrotask(flushDirty);
      }
    }
  }

  /** Asks for a flush without a frame of its own, so `beforeFlush` runs this turn. */
  touch(): void {
    if (this.queued) return;
    this.queued = true;
    dirty.push(this);
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flushDirty);
    }
  }

  flush(): void {
    this.beforeFlush?.();
    this.queued = false;
    if (this.out.length === 0 || this.socket.destroyed) return;
    this.socket.write(this.out.join('\n') + '\n', this.utf8 ? 'utf8' : 'latin1');
    this.out = [];
    this.utf8 = false;
  }

  /** Says `quit` and waits for the server to close, at most `timeoutMs`. */
  async quit(timeoutMs: number): Promise<void> {
    if (this.socket.destroyed) return;
    this.send('{"op":"quit"}');
    const timer = setTimeout(() => this.destroy(), timeoutMs);
    await this.closed;
    clearTimeout(timer);
  }

  destroy(): void {
    this.socket.destroy();
  }

  get writableLength(): number {
    return this.socket.writableLength;
  }

  private receive(line: string): void {
    if (line.length > 0) this.onLine(line);
  }

  dispatch(frame: Frame): void {
    this.onFrame(frame);
    if (this.waiters.length === 0) return;
    const waiter = this.waiters.find((w) => w.until(frame));
    if (waiter === undefined) return;
    this.waiters = this.waiters.filter((w) => w !== waiter);
    clearTimeout(waiter.timer);
    waiter.resolve(frame);
  }
}
