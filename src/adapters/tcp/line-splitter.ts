import { isUtf8 } from 'node:buffer';

/** A line too long for the frame limit (PROTOCOL "Framing"); nothing after it is read. */
export const OVERSIZED = Symbol('oversized');

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Cuts a byte stream into lines of at most `maxFrameBytes` bytes, newline included, while it
 * arrives: an unterminated line is refused as soon as it can no longer fit, so a connection
 * never holds more than one frame limit of unparsed input. Lines that are not valid UTF-8
 * come out as `null`.
 */
export class LineSplitter {
  private partial: Buffer[] = [];
  private partialBytes = 0;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer, out: (line: string | null | typeof OVERSIZED) => void): void {
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      if (newline === -1) {
        this.partialBytes += chunk.length - start;
        if (this.partialBytes >= this.maxFrameBytes) return this.overflow(out);
        // A copy, so a short tail does not pin the whole chunk in memory.
        this.partial.push(Buffer.from(chunk.subarray(start)));
        return;
      }
      if (this.partialBytes + newline - start + 1 > this.maxFrameBytes) return this.overflow(out);
      let line = chunk.subarray(start, newline);
      if (this.partial.length > 0) {
        this.partial.push(line);
        line = Buffer.concat(this.partial, this.partialBytes + line.length);
        this.partial = [];
        this.partialBytes = 0;
      }
      out(this.decode(line));
      start = newline + 1;
    }
  }

  private decode(line: Buffer): string | null {
    const end = line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN ? line.length - 1 : line.length;
    // isUtf8 and toString, not a TextDecoder: as strict, faster, and no decoder held per connection.
    return isUtf8(line.subarray(0, end)) ? line.toString('utf8', 0, end) : null;
  }

  private overflow(out: (line: typeof OVERSIZED) => void): void {
    this.partial = [];
    this.partialBytes = 0;
    out(OVERSIZED);
  }
}
