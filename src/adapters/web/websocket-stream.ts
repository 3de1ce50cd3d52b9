import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { ByteStream } from '../tcp/tcp-connection.ts';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
/** What a message that cannot be one frame becomes: a line that is not a JSON object, so `bad_frame`. */
const NOT_A_FRAME = Buffer.from('null\n');

/**
 * A WebSocket as the byte stream a TcpConnection reads and writes (docs/protocol.md "Web
 * client"): each text message comes in as one line, each line written goes out as one message.
 * So the WebSocket gets the TCP transport's very connection: its frame limit, backpressure,
 * timeouts, ordering and failure handling, with nothing copied. A frame's JSON never holds a raw
 * line break (JSON.stringify escapes them), so splitting what is written on newlines is exact; a
 * message that holds one, or a binary message, is refused as `bad_frame`.
 */
export class WebSocketStream extends EventEmitter implements ByteStream {
  constructor(private readonly socket: WebSocket, private readonly raw: Duplex) {
    super();
    socket.on('message', (data, isBinary) => this.emit('data', isBinary ? NOT_A_FRAME : line(data)));
    // ws closes on its own after a protocol error (1009 for a message past the frame limit, 1007
    // for text that is not UTF-8); the 'close' that follows ends the connection.
    socket.on('error', () => undefined);
    socket.on('close', () => this.emit('close'));
    raw.on('drain', () => this.emit('drain'));
  }

  /** ws set TCP_NODELAY on the upgraded socket already. */
  setNoDelay(): void {}

  /** One flush's frames, newline-separated with a final newline, sent as one message each in one TCP write. */
  write(text: string): void {
    this.raw.cork();
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) this.socket.send(text.slice(start, end));
    this.raw.uncork();
  }

  /** Bytes ws holds for the socket, its own and the kernel-bound: what the high-water mark is held against. */
  get writableLength(): number {
    return this.socket.bufferedAmount;
  }

  get destroyed(): boolean {
    return this.socket.readyState === this.socket.CLOSED;
  }

  end(): void {
    this.socket.close(1000);
  }

  destroy(): void {
    this.socket.terminate();
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }
}

/** The message as one line, newline added; ws has checked that a text message is UTF-8. */
function line(data: RawData): Buffer {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return bytes.includes(NEWLINE) || bytes.includes(CARRIAGE_RETURN) ? NOT_A_FRAME : Buffer.concat([bytes, NOT_A_FRAME.subarray(4)]);
}
