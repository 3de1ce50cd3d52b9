import type { BenchConnection, Frame } from './bench-connection.ts';
import { leadingOp, stringField } from './frame-fields.ts';
import type { MessageBody } from './message-body.ts';
import type { StreamCheck } from './stream-check.ts';

const MAX_ACK_IDS = 1000;

/**
 * Receives `msg` frames, checks them against their stream and acknowledges every one, the
 * ids of one received chunk in one `ack` frame (PROTOCOL "Messages": up to 1000 ids).
 */
export class CheckingReceiver {
  /** Messages received, this run's or not. */
  messages = 0;
  lastAt = 0;
  private acks: string[] = [];

  constructor(
    private readonly conn: BenchConnection,
    private readonly streams: readonly StreamCheck[],
    private readonly body: MessageBody,
    private readonly record: (now: number, latencyMs: number) => void,
  ) {
    conn.onFrame = (frame) => this.onFrame(frame);
    conn.onLine = (line) => this.onLine(line);
    conn.beforeFlush = () => this.flushAcks();
  }

  private onLine(line: string): void {
    const id = leadingOp(line) === 'msg' ? stringField(line, 'id') : undefined;
    const body = id === undefined ? undefined : stringField(line, 'body');
    if (id === undefined || body === undefined) this.conn.dispatch(JSON.parse(line) as Frame);
    else this.onMessage(id, body);
  }

  private onFrame(frame: Frame): void {
    if (frame.op === 'msg') this.onMessage(String(frame.id), String(frame.body));
  }

  private onMessage(id: string, body: string): void {
    const now = performance.now();
    this.messages++;
    this.lastAt = now;
    if (this.acks.length === 0) this.conn.touch();
    this.acks.push(id);
    const decoded = this.body.decode(body);
    if (decoded === undefined) return;
    this.streams[decoded.stream]?.receive(decoded.seq);
    this.record(now, now - decoded.sentAt);
  }

  private flushAcks(): void {
    while (this.acks.length > 0) {
      this.conn.send(`{"op":"ack","ids":${JSON.stringify(this.acks.splice(0, MAX_ACK_IDS))}}`);
    }
  }
}
