import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LineSplitter } from '../../src/client/line-splitter.ts';

/** The reference: the complete lines of `text`, a CR before the newline dropped. */
function completeLines(text: string): string[] {
  const lines = text.split('\n').slice(0, -1);
  return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

test('however the text is cut into chunks, the complete lines come out once, in order, CRLF accepted', () => {
  const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('\n', '\r\n', '\r', '{"op":"msg"}\n')), { maxLength: 30 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(text, fc.array(fc.nat(), { maxLength: 10 }), (whole, cuts) => {
      const points = [...new Set(cuts.map((cut) => cut % (whole.length + 1)))].sort((a, b) => a - b);
      const splitter = new LineSplitter();
      const out: string[] = [];
      let from = 0;
      for (const point of [...points, whole.length]) {
        splitter.push(whole.slice(from, point), (line) => out.push(line));
        from = point;
      }
      assert.equal(out, completeLines(whole));
      assert.is(splitter.pending, whole.length - (whole.lastIndexOf('\n') + 1));
    }),
  );
});

test.run();
