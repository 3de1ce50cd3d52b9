import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineSplitter, OVERSIZED } from '../../src/adapters/tcp/line-splitter.ts';

type Out = string | null | typeof OVERSIZED;

const NEWLINE = 0x0a;
const CR = 0x0d;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** What the splitter must have emitted after reading `prefix`: the reference model. */
function expectedLines(prefix: Uint8Array, limit: number): Out[] {
  const out: Out[] = [];
  let start = 0;
  for (;;) {
    const newline = prefix.indexOf(NEWLINE, start);
    const segment = prefix.subarray(start, newline === -1 ? prefix.length : newline);
    // PROTOCOL "Framing": a line may take the limit with its newline, so its content at most limit - 1.
    if (segment.length >= limit) {
      out.push(OVERSIZED);
      return out;
    }
    if (newline === -1) return out;
    const content = segment.length > 0 && segment[segment.length - 1] === CR ? segment.subarray(0, -1) : segment;
    let line: string | null;
    try {
      line = strictUtf8.decode(content);
    } catch {
      line = null;
    }
    out.push(line);
    start = newline + 1;
  }
}

/** Bytes that look like frames, text in every script, invalid UTF-8, CR, NUL and many newlines. */
const piece = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => new TextEncoder().encode(s)),
  fc.uint8Array({ maxLength: 40 }),
  fc.constantFrom(Uint8Array.of(NEWLINE), Uint8Array.of(CR, NEWLINE), Uint8Array.of(0xff, 0xfe), Uint8Array.of(0xc3), Uint8Array.of(0)),
  fc.nat({ max: 120 }).map((n) => new Uint8Array(n).fill(0x61)),
);
const stream = fc.array(piece, { maxLength: 40 }).map((pieces) => Buffer.concat(pieces));

/** Random cut points: the stream arrives in chunks of any size, one-byte chunks included. */
function chunksOf(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const point of [...points, bytes.length]) {
    if (point > at) chunks.push(bytes.subarray(at, point));
    at = Math.max(at, point);
  }
  return chunks;
}

function heldBytes(splitter: LineSplitter): number {
  // The splitter's own buffer: the one thing this property is about, so it is read directly.
  const inner = splitter as unknown as { partial: Buffer[]; partialBytes: number };
  const held = inner.partial.reduce((sum, part) => sum + part.length, 0);
  assert.is(held, inner.partialBytes, 'partialBytes matches what is held');
  return held;
}

test('lines come out exactly as sent, oversize is caught as soon as a line cannot fit, never more than the limit held', () => {
  fc.assert(
    fc.property(stream, fc.array(fc.nat(), { maxLength: 60 }), fc.integer({ min: 2, max: 80 }), (bytes, cuts, limit) => {
      const splitter = new LineSplitter(limit);
      const out: Out[] = [];
      let read = 0;
      for (const chunk of chunksOf(bytes, cuts)) {
        splitter.push(chunk, out);
        read += chunk.length;
        assert.ok(heldBytes(splitter) < limit, 'holds less than one frame limit of unparsed input');
        assert.equal(out, expectedLines(bytes.subarray(0, read), limit));
        // The transport stops reading after an oversized line; so does this property.
        if (out.at(-1) === OVERSIZED) return;
      }
    }),
    { numRuns: 2000 },
  );
});

test('a 1 MB line with no newline, in 64 KiB chunks, is refused once and holds under the limit', () => {
  const limit = 65_536;
  const splitter = new LineSplitter(limit);
  const out: Out[] = [];
  const megabyte = Buffer.alloc(1024 * 1024, 0x61);
  for (let at = 0; at < megabyte.length && out.length === 0; at += 65_536) {
    splitter.push(megabyte.subarray(at, at + 65_536), out);
    assert.ok(heldBytes(splitter) < limit);
  }
  assert.equal(out, [OVERSIZED]);
});

test('a frame exactly at the limit, newline included, passes; one byte more does not', () => {
  const limit = 100;
  const fits = `{"op":"ping","ref":"${'x'.repeat(limit - 1 - 20 - 2)}"}`;
  assert.is(Buffer.byteLength(fits) + 1, limit);
  const out: Out[] = [];
  new LineSplitter(limit).push(Buffer.from(`${fits}\n`), out);
  assert.equal(out, [fits]);
  const over: Out[] = [];
  new LineSplitter(limit).push(Buffer.from(`${fits} \n`), over);
  assert.equal(over, [OVERSIZED]);
});

test.run();
