import type { Socket } from 'node:net';

export type ServerFrame = Readonly<Record<string, unknown>> & { readonly op: string };

/** The client's side of PROTOCOL "Framing": one JSON object a line, each way. */
export class ClientFrameChannel {
  private buffer = '';

  constructor(
    private readonly socket: Socket,
    onFrame: (frame: ServerFrame) => void,
    onClose: (reason: string) => void,
    maxLineBytes = 1 << 20,
  ) {
    let lastError = 'connection closed';
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let newline = this.buffer.indexOf('\n');
      while (newline !== -1) {
        const line = this.buffer.slice(0, newline);
        this.buffer = this.buffer.slice(newline + 1);
        const frame = parse(line);
        if (frame) onFrame(frame);
        if (socket.destroyed) return;
        newline = this.buffer.indexOf('\n');
      }
      if (Buffer.byteLength(this.buffer) > maxLineBytes) {
        lastError = 'the server sent an oversized line';
        socket.destroy();
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => { lastError = error.code ?? error.message; });
    socket.on('close', () => onClose(lastError));
  }

  send(frame: Readonly<Record<string, unknown>>): void {
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
