import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFrameText } from '../../src/domain/parse-frame-text.ts';

const unit = (min: number, max: number): fc.Arbitrary<string> => fc.integer({ min, max }).map((code) => String.fromCharCode(code));
// Mostly what the shortcut reads, now and then a character it must leave to JSON.parse: a control
// character, `"` or `\` (escaped in the JSON text), a lone surrogate, or any code point.
const text = fc.string({
  unit: fc.oneof({ arbitrary: unit(0x20, 0x7e), weight: 12 }, unit(0, 0x1f), fc.constantFrom('"', '\\'), unit(0xd800, 0xdfff), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 60,
});
const send = fc.record({ op: fc.constant('send'), to: text, body: text, ref: fc.option(text, { nil: undefined }) }, { requiredKeys: ['op', 'to', 'body'] });
/** The same frame's JSON text as clients write it, or in another key order, or with whitespace. */
const spelling = fc.constantFrom('as written', 'keys reversed', 'spaced', 'ref first');

function written(frame: Record<string, unknown>, how: string): string {
  switch (how) {
    case 'keys reversed':
      return JSON.stringify(Object.fromEntries(Object.entries(frame).reverse()));
    case 'spaced':
      return JSON.stringify(frame, null, 1).replaceAll('\n', '');
    case 'ref first':
      return JSON.stringify({ ref: 'r', ...frame });
    default:
      return JSON.stringify(frame);
  }
}

test('a send, however written and whatever its strings hold, reads as JSON.parse reads it', () => {
  fc.assert(fc.property(send, spelling, (frame, how) => {
    const line = written(frame, how);
    assert.equal(parseFrameText(line), JSON.parse(line));
  }), { numRuns: 5000 });
});

test('any other line reads as JSON.parse reads it, or fails as it fails', () => {
  const line = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
    fc.string({ unit: fc.constantFrom('{', '}', '"', ':', ',', '\\', 'op', 'send', 'to', 'body', 'ref', 'x', ' '), maxLength: 30 }),
    // A send's text cut short, or with a raw character put in anywhere (a control character
    // inside a string, a quote, something after the closing brace).
    fc.tuple(send.map((frame) => JSON.stringify(frame)), fc.nat(), fc.oneof(unit(0, 0x22), fc.constantFrom('\\', '}', ' ', 'x'))).chain(([valid, at, inserted]) =>
      fc.constantFrom(valid.slice(0, at % valid.length), `${valid.slice(0, at % (valid.length + 1))}${inserted}${valid.slice(at % (valid.length + 1))}`)),
  );
  fc.assert(fc.property(line, (text) => {
    let expected: unknown;
    try {
      expected = JSON.parse(text);
    } catch {
      assert.throws(() => parseFrameText(text));
      return;
    }
    assert.equal(parseFrameText(text), expected);
  }), { numRuns: 5000 });
});

test.run();
