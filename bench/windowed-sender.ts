import type { BenchConnection, Frame } from './bench-connection.ts';
import { leadingOp, stringField } from './frame-fields.ts';
import type { MessageBody } from './message-body.ts';
import type { StreamCheck } from './stream-check.ts';

export interface OutboundStream {
  /** Index into the workload's stream table, carried in the body. */
  id: number;
  to: string;
  check: StreamCheck;
  /** Stop once this many are accepted (Infinity: until stopped). */
  target: number;
  inflight: number;
  nextSeq: number;
}

/**
 * Keeps up to `window` sends unanswered on one connection, spread round-robin over its
 * streams; a `sent` or an error answer frees a slot (PROTOCOL "Messages").
 */
export class WindowedSender {
  running = false;
  inflight = 0;
  /** Error answers by code (rate_limited, queue_full, …). */
  readonly errors = new Map<string, number>();
  private pausedUntil = 0;
  private next = 0;

  constructor(
    private readonly conn: BenchConnection,
    private readonly streams: OutboundStream[],
    private readonly window: number,
    private readonly body: MessageBody,
  ) {
    conn.onFrame = (frame) => this.onFrame(frame);
    conn.onLine = (line) => this.onLine(line);
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  stop(): void {
    this.running = false;
  }

  /** Every stream has reached its target and nothing is in flight. */
  get finished(): boolean {
    return this.inflight === 0 && this.streams.every((s) => s.check.accepted >= s.target);
  }

  private onLine(line: string): void {
    const op = leadingOp(line);
    if (op === 'receipt') return;
    const ref = op === 'sent' ? stringField(line, 'ref') : undefined;
    if (ref === undefined) this.conn.dispatch(JSON.parse(line) as Frame);
    else this.answered(ref, undefined, undefined);
  }

  private onFrame(frame: Frame): void {
    if (frame.op !== 'sent' && frame.op !== 'error') return;
    const ref = typeof frame.ref === 'string' ? frame.ref : undefined;
    if (ref !== undefined) {
      const wait = typeof frame.retry_after_ms === 'number' ? frame.retry_after_ms : 50;
      this.answered(ref, frame.op === 'error' ? String(frame.code) : undefined, wait);
    } else if (frame.op === 'error') this.count(String(frame.code));
  }

  /** A `sent` (no error code) or a refusal answered the send with this ref. */
  private answered(ref: string, errorCode: string | undefined, retryAfterMs: number | undefined): void {
    const dot = ref.indexOf('.');
    const stream = this.streams[parseInt(ref.slice(0, dot), 36)];
    if (stream === undefined) return;
    const seq = parseInt(ref.slice(dot + 1), 36);
    stream.inflight--;
    this.inflight--;
    if (errorCode === undefined) stream.check.accept(seq);
    else {
      stream.check.refuse(seq);
      this.count(errorCode);
      const wait = retryAfterMs ?? 50;
      this.pausedUntil = Math.max(this.pausedUntil, performance.now() + wait);
      setTimeout(() => this.pump(), wait).unref();
    }
    this.pump();
  }

  private pump(): void {
    if (!this.running || performance.now() < this.pausedUntil) return;
    let idle = 0;
    while (this.inflight < this.window && idle < this.streams.length) {
      const index = this.next;
      const stream = this.streams[index]!;
      this.next = (index + 1) % this.streams.length;
      if (stream.check.accepted + stream.inflight >= stream.target) {
        idle++;
        continue;
      }
      idle = 0;
      const seq = stream.nextSeq++;
      const body = this.body.encode(stream.id, seq, performance.now());
      this.conn.send(`{"op":"send","to":"${stream.to}","body":"${body}","ref":"${index.toString(36)}.${seq.toString(36)}"}`, true);
      stream.inflight++;
      this.inflight++;
    }
  }

  private count(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }
}
