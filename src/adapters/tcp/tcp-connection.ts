import type { Socket } from 'node:net';
import type { ConnectionId } from '../../domain/connection.ts';
import type { Relay } from '../../domain/relay.ts';
import { LineSplitter, OVERSIZED } from './line-splitter.ts';
import type { TransportOptions } from './transport-options.ts';

type Event = string | null | typeof OVERSIZED | typeof CLOSED;
const CLOSED = Symbol('closed');
/** Time a closing connection gets to flush its last frames before it is cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * One client socket: turns bytes into the relay's events, one at a time and in order, and
 * batches what the relay sends into one write per event-loop turn.
 */
export class TcpConnection {
  lastActivity = Date.now();
  private readonly splitter: LineSplitter;
  private readonly events: Event[] = [];
  private processing = false;
  private closing = false;
  private peerGone = false;
  private paused = false;
  /** Characters of received lines not handled yet: reading pauses past one frame limit. */
  private queuedChars = 0;
  private output: string[] = [];
  private outputBytes = 0;
  private readonly authDeadline: NodeJS.Timeout;

  constructor(
    readonly id: ConnectionId,
    private readonly socket: Socket,
    private readonly relay: Relay,
    private readonly options: TransportOptions,
    private readonly scheduleFlush: (connection: TcpConnection) => void,
  ) {
    this.splitter = new LineSplitter(options.maxFrameBytes);
    this.authDeadline = setTimeout(() => relay.onAuthDeadline(id), options.authTimeoutMs);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('drain', () => this.drained());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.closed());
  }

  send(line: string): void {
    if (this.closing) return;
    if (this.output.length === 0) this.scheduleFlush(this);
    this.output.push(line);
    this.outputBytes += line.length;
  }

  flush(): void {
    if (this.output.length === 0 || this.socket.destroyed) return;
    const wasFull = !this.canTakeMore();
    const text = this.output.length === 1 ? this.output[0]! : this.output.join('');
    this.output = [];
    this.outputBytes = 0;
    this.socket.write(text);
    // A write the kernel takes whole emits no 'drain': when only this unflushed output held
    // pushing and reading back, resume them now, or they would wait forever.
    if (wasFull && this.canTakeMore()) this.drained();
  }

  canTakeMore(): boolean {
    return !this.closing && this.socket.writableLength + this.outputBytes < this.options.highWaterBytes;
  }

  /** Flushes what was sent, then closes; a peer that will not read is cut after a grace period. */
  close(): void {
    if (this.closing) return;
    this.flush();
    this.closing = true;
    this.events.length = 0;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    this.splitter.push(chunk, this.enqueue);
    this.lastActivity = Date.now();
    // Reading goes on only while what waits is under one frame limit and the peer keeps up with
    // its output: pausing costs system calls, so it is done under pressure only.
    if (this.queuedChars >= this.options.maxFrameBytes || !this.canTakeMore()) this.pause();
    if (!this.processing) void this.process();
  }

  private readonly enqueue = (line: Event): void => {
    this.events.push(line);
    if (typeof line === 'string') this.queuedChars += line.length;
  };

  /** PROTOCOL "Slow consumers": past the high-water mark, stop reading too until the peer drains. */
  private async process(): Promise<void> {
    this.processing = true;
    try {
      // Once the peer is gone nothing more is written, so what it sent before leaving is handled.
      while (this.events.length > 0 && (this.peerGone || this.canTakeMore())) {
        const event = this.events.shift()!;
        if (event === CLOSED) return this.relay.onClose(this.id);
        if (event === OVERSIZED) this.relay.onOversizedFrame(this.id);
        else {
          if (event !== null) this.queuedChars -= event.length;
          await this.relay.onFrame(this.id, event);
        }
      }
    } finally {
      this.processing = false;
      this.resumeWhenReady();
    }
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  private resumeWhenReady(): void {
    if (!this.paused || this.closing || !this.canTakeMore() || this.queuedChars >= this.options.maxFrameBytes) return;
    this.paused = false;
    this.socket.resume();
  }

  private drained(): void {
    void this.relay.onDrain(this.id);
    if (!this.processing && this.events.length > 0) void this.process();
    else this.resumeWhenReady();
  }

  /** The close goes through the same queue, so it is handled after the frames before it. */
  private closed(): void {
    clearTimeout(this.authDeadline);
    this.peerGone = true;
    this.closing = true;
    this.output = [];
    this.events.push(CLOSED);
    if (!this.processing) void this.process();
  }
}
