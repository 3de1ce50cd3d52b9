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
    // The whole lines of a chunk are checked for UTF-8 in one go (a newline byte never sits
    // inside a multi-byte character); only when that fails is each line checked on its own.
    let wholeLinesValid: boolean | undefined;
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
      if (this.partial.length > 0) {
        this.partial.push(chunk.subarray(start, newline));
        const line = Buffer.concat(this.partial, this.partialBytes + newline - start);
        this.partial = [];
        this.partialBytes = 0;
        out(decode(line, 0, line.length, false));
      } else {
        wholeLinesValid ??= isUtf8(chunk.subarray(start, chunk.lastIndexOf(NEWLINE)));
        out(decode(chunk, start, newline, wholeLinesValid));
      }
      start = newline + 1;
    }
  }

  private overflow(out: (line: typeof OVERSIZED) => void): void {
    this.partial = [];
    this.partialBytes = 0;
    out(OVERSIZED);
  }
}

/** The text of bytes `start` to `end` (a trailing CR dropped), or null when not UTF-8. */
function decode(bytes: Buffer, start: number, end: number, knownValid: boolean): string | null {
  const last = end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
  if (!knownValid && !isUtf8(bytes.subarray(start, last))) return null;
  return bytes.toString('utf8', start, last);
}
