import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Relay } from '../../domain/relay.ts';
import type { ConnectionId } from '../../domain/session.ts';
import { OVERSIZED } from '../tcp/line-splitter.ts';
import type { RelayConnection, TcpConnectionRegistry } from '../tcp/tcp-connection-registry.ts';
import type { TransportOptions } from '../tcp/transport-options.ts';

type Event = string | null | typeof OVERSIZED | typeof CLOSED;
const CLOSED = Symbol('closed');
/** Time a closing connection gets to flush its last frames and close handshake before it is cut. */
const CLOSE_GRACE_MS = 2_000;
/** ws's error for a message past `maxPayload`: it has already begun closing with 1009. */
const TOO_BIG = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';

/**
 * One browser's WebSocket: each text message is one frame, handed to the relay one at a time
 * and in order, exactly as TcpConnection hands over lines; what the relay sends leaves in the
 * registry's one flush per turn, one message a frame. The same limits hold: at most one frame
 * limit of received frames waits, and past the high-water mark (bytes here, as ws counts them)
 * neither reading nor pushing goes on until the socket drains.
 */
export class WebSocketConnection implements RelayConnection {
  lastActivity = Date.now();
  private events: Event[] = [];
  private head = 0;
  private processing = false;
  private closeRequested = false;
  private peerGone = false;
  private paused = false;
  private queuedBytes = 0;
  private output: string[] = [];
  private outputChars = 0;
  private authDeadline: number;

  constructor(
    readonly id: ConnectionId,
    private readonly socket: WebSocket,
    /** The upgraded TCP socket under it: its 'drain' is the WebSocket's. */
    raw: Duplex,
    private readonly relay: Relay,
    private readonly options: TransportOptions,
    private readonly registry: TcpConnectionRegistry,
  ) {
    this.authDeadline = this.lastActivity + options.authTimeoutMs;
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('error', (error: Error & { code?: string }) => {
      // PROTOCOL "Framing": ws refuses the message from its header, before holding it; the relay
      // still counts it, though its frame_too_large cannot follow ws's close (1009).
      if (error.code === TOO_BIG) this.queue(OVERSIZED);
    });
    socket.on('close', () => this.closed());
    raw.on('drain', () => this.drained());
  }

  send(frame: string): void {
    if (this.closeRequested || this.peerGone) return;
    if (this.output.length === 0) this.registry.scheduleFlush(this);
    this.output.push(frame);
    this.outputChars += frame.length;
  }

  flush(): void {
    if (this.output.length === 0 || this.socket.readyState !== this.socket.OPEN) return;
    const wasFull = !this.hasRoom();
    const frames = this.output;
    this.output = [];
    this.outputChars = 0;
    for (const frame of frames) this.socket.send(frame);
    if (wasFull && this.hasRoom()) this.drained();
  }

  canTakeMore(): boolean {
    return !this.closeRequested && !this.peerGone && this.hasRoom();
  }

  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    this.flush();
    const closedAlready = this.events.indexOf(CLOSED, this.head) !== -1;
    this.events = closedAlready ? [CLOSED] : [];
    this.head = 0;
    this.queuedBytes = 0;
    if (this.peerGone) return;
    this.socket.close(1000);
    setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  checkAuthDeadline(now: number): void {
    if (this.authDeadline === 0 || now < this.authDeadline) return;
    this.authDeadline = 0;
    this.relay.onAuthDeadline(this.id);
  }

  destroy(): void {
    this.socket.terminate();
  }

  private receive(data: RawData, isBinary: boolean): void {
    const bytes = Array.isArray(data) ? data.reduce((sum, part) => sum + part.length, 0) : data.byteLength;
    // A frame's newline counts towards the limit on TCP; a message has none, so one is added here.
    if (bytes + 1 > this.options.maxFrameBytes) return this.queue(OVERSIZED);
    // ws has checked that a text message is UTF-8; a binary one is no JSON text at all (bad_frame).
    this.queue(isBinary ? null : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8'));
  }

  private queue(event: Event): void {
    if (this.closeRequested) return;
    if (event !== CLOSED) this.lastActivity = Date.now();
    this.events.push(event);
    this.queuedBytes += weight(event);
    if (this.queuedBytes >= this.options.maxFrameBytes || !this.hasRoom()) this.pause();
    if (!this.processing) this.process();
  }

  /** As TcpConnection's: frames wait while the peer does not read, and a pending one holds the rest. */
  private process(): void {
    this.processing = true;
    while (this.head < this.events.length && (this.peerGone || this.canTakeMore())) {
      const event = this.events[this.head++]!;
      this.queuedBytes -= weight(event);
      if (event === CLOSED) {
        void this.relay.onClose(this.id).then(() => this.registry.delete(this.id));
        return;
      }
      const pending = event === OVERSIZED ? this.relay.onOversizedFrame(this.id) : this.relay.onFrame(this.id, event);
      if (pending instanceof Promise) return void pending.then(() => this.process());
    }
    this.processing = false;
    if (this.head === this.events.length) {
      this.events.length = 0;
      this.head = 0;
    }
    this.resumeWhenReady();
  }

  private hasRoom(): boolean {
    return this.socket.bufferedAmount + this.outputChars < this.options.highWaterChars;
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
    void this.relay.onDrain(this.id);
    if (!this.processing && this.head < this.events.length) this.process();
    else this.resumeWhenReady();
  }

  private closed(): void {
    this.authDeadline = 0;
    this.peerGone = true;
    this.output = [];
    this.events.push(CLOSED);
    if (!this.processing) this.process();
  }
}

function weight(event: Event): number {
  return typeof event === 'string' ? event.length + 1 : 1;
}
