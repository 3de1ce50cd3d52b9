import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { InboundFrame, OutboundFrame } from '../domain/frames.ts';
import { LineSplitter } from './line-splitter.ts';

/**
 * What the server sends, typed by the server's own union: a frame the protocol changes breaks
 * the client's compile. It comes from the network, though: only `op` is checked, so the
 * client coerces a value wherever a wrong type would throw.
 */
export type ServerFrame = OutboundFrame;

/** The client's side of PROTOCOL "Framing": one JSON object a line, each way. */
export class ClientFrameChannel {
  private readonly lines = new LineSplitter();

  constructor(
    private readonly socket: Socket,
    onFrame: (frame: ServerFrame) => void,
    onClose: (reason: string) => void,
    maxLineChars = 1 << 20,
  ) {
    let lastError = 'connection closed';
    // Decoded here, not by setEncoding: the SOCKS client hands over the bytes that came with
    // its reply (the server's hello, often) as a Buffer, past the socket's decoder.
    const decoder = new StringDecoder('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.lines.push(decoder.write(chunk), (line) => {
        const frame = socket.destroyed ? undefined : parse(line);
        if (frame) onFrame(frame);
      });
      if (this.lines.pending > maxLineChars) {
        lastError = 'the server sent an oversized line';
        socket.destroy();
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => { lastError = error.code ?? error.message; });
    socket.on('close', () => onClose(lastError));
  }

  /** Only frames the server's decoder accepts (its own union) can be sent. */
  send(frame: InboundFrame): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(`${JSON.stringify(frame)}\n`);
  }

  close(): void {
    this.socket.destroy();
  }
}

function parse(line: string): ServerFrame | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string') {
      return value as ServerFrame;
    }
  } catch {
    // A line that is not JSON from the server is ignored, like an unknown op.
  }
  return undefined;
}
