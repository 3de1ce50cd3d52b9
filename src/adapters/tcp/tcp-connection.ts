import type { ConnectionId } from '../../domain/session.ts';
import { logFailure, unawaited } from '../../domain/log-failure.ts';
import type { Relay } from '../../domain/relay.ts';
import type { Logger } from '../../ports/logger.ts';
import { LineSplitter, OVERSIZED } from './line-splitter.ts';
import type { TcpConnectionRegistry } from './tcp-connection-registry.ts';
import type { TransportOptions } from './transport-options.ts';

type Event = string | null | typeof OVERSIZED | typeof CLOSED;
const CLOSED = Symbol('closed');
/**
 * The connection a socket belongs to, kept on the socket so that one set of listener functions
 * serves every socket: closures per connection would cost each idle connection their memory.
 */
const CONNECTION = Symbol('connection');
type OwnedSocket = ByteStream & { [CONNECTION]: TcpConnection };
/**
 * What a connection reads and writes: a TCP socket, or a WebSocket seen as one (serve --web,
 * src/adapters/web/websocket-stream.ts), so both transports share this one connection.
 */
export interface ByteStream {
  setNoDelay(noDelay: boolean): unknown;
  on(eventName: 'data', listener: (chunk: Buffer) => void): unknown;
  on(eventName: 'drain' | 'error' | 'close', listener: () => void): unknown;
  write(text: string): unknown;
  readonly writableLength: number;
  readonly destroyed: boolean;
  end(): unknown;
  destroy(): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** Time a closing connection gets to flush its last frames before it is cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * One client socket: turns bytes into the relay's events, one at a time and in order, and
 * batches what the relay sends into one write per flush (TcpConnectionRegistry says when).
 */
export class TcpConnection {
  /** When the last complete line arrived (PROTOCOL "Other frames": any frame resets the idle timer). */
  lastActivity = Date.now();
  private readonly splitter: LineSplitter;
  private events: Event[] = [];
  private head = 0;
  private processing = false;
  /** The relay closed this connection: what the peer still sends is not read. */
  private closeRequested = false;
  private peerGone = false;
  private paused = false;
  /** Bytes of received lines not handled yet (a newline each at least): reading pauses past one frame limit. */
  private queuedBytes = 0;
  private output: string[] = [];
  /** UTF-16 code units of `output`, newlines included: what `highWaterChars` counts. */
  private outputChars = 0;
  /** When the relay is told that authentication is overdue (it ignores this once logged in); 0 once told. */
  private authDeadline: number;

  constructor(
    readonly id: ConnectionId,
    private readonly socket: ByteStream,
    private readonly relay: Relay,
    private readonly options: TransportOptions,
    /** Flushes this connection when TcpConnectionRegistry.scheduleFlush says, and forgets it once the relay has handled its close. */
    private readonly registry: TcpConnectionRegistry,
    private readonly logger: Logger,
  ) {
    this.splitter = new LineSplitter(options.maxFrameBytes);
    this.authDeadline = this.lastActivity + options.authTimeoutMs;
    socket.setNoDelay(true);
    (socket as OwnedSocket)[CONNECTION] = this;
    socket.on('data', TcpConnection.onData);
    socket.on('drain', TcpConnection.onDrain);
    socket.on('error', TcpConnection.onError);
    socket.on('close', TcpConnection.onClose);
  }

  private static onData(this: OwnedSocket, chunk: Buffer): void {
    const connection = this[CONNECTION];
    connection.receive(chunk);
    // One write per connection per chunk, as the bare relay does: see TcpConnectionRegistry.flushAll.
    connection.registry.flushAll();
  }

  private static onDrain(this: OwnedSocket): void {
    this[CONNECTION].drained();
  }

  private static onError(this: ByteStream): void {
    this.destroy();
  }

  private static onClose(this: OwnedSocket): void {
    this[CONNECTION].closed();
  }

  /** Queues one frame's JSON text; its newline is added when the flush joins the frames. */
  send(frame: string): void {
    if (this.closeRequested || this.peerGone) return;
    if (this.output.length === 0) this.registry.scheduleFlush(this);
    this.output.push(frame);
    this.outputChars += frame.length + 1;
  }

  flush(): void {
    if (this.output.length === 0 || this.socket.destroyed) return;
    const wasFull = !this.hasRoom();
    // An empty last element gives the final newline: appending one would make a string that the
    // write has to copy again to flatten.
    this.output.push('');
    const text = this.output.join('\n');
    this.output = [];
    this.outputChars = 0;
    this.socket.write(text);
    // A write the kernel takes whole emits no 'drain': when only this unflushed output held
    // pushing and reading back, resume them now, or they would wait forever.
    if (wasFull && this.hasRoom()) this.drained();
  }

  canTakeMore(): boolean {
    return !this.closeRequested && !this.peerGone && this.hasRoom();
  }

  /**
   * Flushes what was sent, then closes; a peer that will not read is cut after a grace period.
   * Frames still queued from this peer are dropped: the relay is done with it.
   */
  close(): void {
    if (this.closeRequested) return;
    // Requested before the last flush, so a drain it causes pushes nothing more.
    this.closeRequested = true;
    this.flush();
    const closedAlready = this.events.indexOf(CLOSED, this.head) !== -1;
    this.events = closedAlready ? [CLOSED] : [];
    this.head = 0;
    this.queuedBytes = 0;
    if (this.peerGone) return;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  /** Called by the server's periodic sweep: one timer for every connection, not one each. */
  checkAuthDeadline(now: number): void {
    if (this.authDeadline === 0 || now < this.authDeadline) return;
    this.authDeadline = 0;
    this.relay.onAuthDeadline(this.id);
  }

  destroy(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.closeRequested) return;
    const queuedBefore = this.events.length;
    this.splitter.push(chunk, this.events);
    if (this.events.length > queuedBefore) this.lastActivity = Date.now();
    for (let i = queuedBefore; i < this.events.length; i++) this.queuedBytes += weight(this.events[i]!);
    // Reading goes on only while what waits is under one frame limit and the peer keeps up with
    // its output: pausing costs system calls, so it is done under pressure only.
    if (this.queuedBytes >= this.options.maxFrameBytes || !this.hasRoom()) this.pause();
    if (!this.processing) this.process();
  }

  /**
   * PROTOCOL "Slow consumers": past the high-water mark, stop reading too until the peer drains.
   * Events the relay handles at once are taken in one synchronous loop; one it must wait for
   * holds the rest back until it is done.
   */
  private process(): void {
    this.processing = true;
    // Once the peer is gone nothing more is written, so what it sent before leaving is handled.
    while (this.head < this.events.length && (this.peerGone || this.canTakeMore())) {
      const event = this.events[this.head++]!;
      this.queuedBytes -= weight(event);
      if (event === CLOSED) return this.release();
      const pending = event === OVERSIZED ? this.relay.onOversizedFrame(this.id) : this.relay.onFrame(this.id, event);
      if (pending instanceof Promise) return this.processAfter(pending);
    }
    this.processing = false;
    if (this.head === this.events.length) {
      this.events.length = 0;
      this.head = 0;
    }
    this.resumeWhenReady();
  }

  /** Apart from `process`: a closure there would cost it a heap context on every call. */
  private processAfter(pending: Promise<void>): void {
    // The relay answers its own failures; one that still slips out is logged where (never what)
    // and this connection goes on, so it neither ends the process nor wedges the connection.
    pending.then(() => this.process(), (error: unknown) => {
      logFailure(this.logger, { conn: this.id, op: 'frame' }, error);
      this.process();
    });
  }

  private hasRoom(): boolean {
    // A string written counts its length in the socket's writableLength too (decodeStrings is off).
    return this.socket.writableLength + this.outputChars < this.options.highWaterChars;
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  private resumeWhenReady(): void {
    if (!this.paused || !this.canTakeMore() || this.queuedBytes >= this.options.maxFrameBytes) return;
    this.paused = false;
    this.socket.resume();
  }

  private drained(): void {
    void unawaited(this.relay.onDrain(this.id), this.logger, { conn: this.id, op: 'drain' });
    if (!this.processing && this.head < this.events.length) this.process();
    else this.resumeWhenReady();
  }

  /**
   * With no frame waiting, the close goes through the queue, after the frames the peer sent
   * before leaving. While one waits for a port (a hung store, say), it is handled out of turn
   * (issue 24): the session is released and its slot freed now, and the frames behind the
   * waiting one are dropped: nobody is left to answer them, and none of them was accepted.
   */
  private closed(): void {
    this.authDeadline = 0;
    this.peerGone = true;
    this.output = [];
    if (!this.processing) {
      this.events.push(CLOSED);
      this.process();
      return;
    }
    this.events = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.release();
  }

  /** The relay ends the session (what it had not acknowledged stays queued); then the id is forgotten. */
  private release(): void {
    void unawaited(this.relay.onClose(this.id), this.logger, { conn: this.id, op: 'close' }).then(() => this.registry.delete(this.id));
  }
}

/** What a queued event counts towards the frame limit: its characters and its newline. */
function weight(event: Event): number {
  return typeof event === 'string' ? event.length + 1 : 1;
}
