import { isUtf8 } from 'node:buffer';

/** A line too long for the frame limit (PROTOCOL "Framing"); nothing after it is read. */
export const OVERSIZED = Symbol('oversized');

/** Where lines go, in order: an array will do. */
export interface LineSink {
  push(line: string | null | typeof OVERSIZED): unknown;
}

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

  push(chunk: Buffer, out: LineSink): void {
    let start = 0;
    let wholeLinesTried = false;
    // A newline byte never sits inside a multi-byte character: lines can be checked on their own.
    while (start < chunk.length) {
      if (this.partial.length === 0 && !wholeLinesTried) {
        wholeLinesTried = true;
        // The usual case: the chunk's whole lines all fit and are all UTF-8, so they are decoded in one go.
        const last = chunk.lastIndexOf(NEWLINE);
        if (last >= start && last + 1 - start <= this.maxFrameBytes && isUtf8(chunk.subarray(start, last))) {
          splitText(chunk.toString('utf8', start, last), out);
          start = last + 1;
          continue;
        }
      }
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
        out.push(decode(line, 0, line.length));
      } else {
        out.push(decode(chunk, start, newline));
      }
      start = newline + 1;
    }
  }

  private overflow(out: LineSink): void {
    this.partial = [];
    this.partialBytes = 0;
    out.push(OVERSIZED);
  }
}

/** The text of bytes `start` to `end` (a trailing CR dropped), or null when not UTF-8. */
function decode(bytes: Buffer, start: number, end: number): string | null {
  const last = end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
  if (!isUtf8(bytes.subarray(start, last))) return null;
  return bytes.toString('utf8', start, last);
}

/** Hands out each line of `text` (newline-separated, the last one unterminated), a trailing CR dropped. */
function splitText(text: string, out: LineSink): void {
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    out.push(text.charCodeAt(end - 1) === CARRIAGE_RETURN && end > start ? text.slice(start, end - 1) : text.slice(start, end));
    if (newline === -1) return;
    start = newline + 1;
  }
}
