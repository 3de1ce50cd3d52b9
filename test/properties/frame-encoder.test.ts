import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame } from '../../src/adapters/tcp/frame-encoder.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';

const unit = (min: number, max: number): fc.Arbitrary<string> => fc.integer({ min, max }).map((code) => String.fromCharCode(code));
// Any string, control characters included: what a body or a ref may hold.
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
// Mostly printable ASCII, which the encoder writes without JSON.stringify, with the characters
// on either side of that range, the two it must escape (`"`, `\`) and lone surrogates now and then.
const asciiText = fc.string({ unit: fc.oneof({ arbitrary: unit(0x1e, 0x80), weight: 9 }, unit(0xd7ff, 0xe000)), maxLength: 40 });
const text = fc.oneof(anyText, asciiText);

const frames: fc.Arbitrary<OutboundFrame> = fc.oneof(
  fc.record({ id: text, status: fc.constantFrom('delivered' as const, 'queued' as const), ref: fc.option(text, { nil: undefined }) })
    .map(({ ref, ...fields }): OutboundFrame => (ref === undefined ? { op: 'sent', ...fields } : { op: 'sent', ...fields, ref })),
  fc.record({ id: text, to: text, unreadable: fc.boolean() })
    .map(({ unreadable, ...fields }): OutboundFrame => (unreadable ? { op: 'receipt', ...fields, unreadable } : { op: 'receipt', ...fields })),
  fc.record({ id: text, from: text, body: text, ts: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 2 ** 50 }), weight: 9 }, fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 0.5, 1e21)), redelivered: fc.boolean() })
    .map(({ redelivered, ...fields }): OutboundFrame => (redelivered ? { op: 'msg', ...fields, redelivered } : { op: 'msg', ...fields })),
  fc.record({ names: fc.array(text, { maxLength: 3 }) }).map((fields): OutboundFrame => ({ op: 'online', ...fields })),
);

test('every frame is encoded exactly as JSON.stringify would, whatever its strings hold', () => {
  fc.assert(fc.property(frames, (frame) => {
    assert.is(encodeFrame(frame), JSON.stringify(frame));
  }), { numRuns: 5000 });
});

test('a body on either side of what is written without JSON.stringify is encoded as JSON.stringify would', () => {
  for (const body of ['', ' !#[]~', 'x"y', 'x\\y', '\u001f', '\u007f', 'caf\u00e9', '\ud800', '\ud83d\ude00', 'a'.repeat(4000)]) {
    const frame: OutboundFrame = { op: 'msg', id: 'm-1', from: 'alice', body, ts: 1 };
    assert.is(encodeFrame(frame), JSON.stringify(frame), JSON.stringify(body));
  }
});

test.run();
