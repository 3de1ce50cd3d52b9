import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeFrame } from '../../src/adapters/tcp/frame-encoder.ts';
import type { OutboundFrame } from '../../src/domain/frames.ts';

// Any string, lone surrogates and control characters included: what a body or a ref may hold.
const text = fc.string({ unit: 'binary', maxLength: 40 });

const frames: fc.Arbitrary<OutboundFrame> = fc.oneof(
  fc.record({ id: text, status: fc.constantFrom('delivered' as const, 'queued' as const), ref: fc.option(text, { nil: undefined }) })
    .map(({ ref, ...fields }): OutboundFrame => (ref === undefined ? { op: 'sent', ...fields } : { op: 'sent', ...fields, ref })),
  fc.record({ id: text, to: text }).map((fields): OutboundFrame => ({ op: 'receipt', ...fields })),
  fc.record({ id: text, from: text, body: text, ts: fc.integer({ min: 0, max: 2 ** 50 }) })
    .map((fields): OutboundFrame => ({ op: 'msg', ...fields })),
  fc.record({ names: fc.array(text, { maxLength: 3 }) }).map((fields): OutboundFrame => ({ op: 'online', ...fields })),
);

test('every frame is encoded exactly as JSON.stringify would, whatever its strings hold', () => {
  fc.assert(fc.property(frames, (frame) => {
    assert.is(encodeFrame(frame), JSON.stringify(frame));
  }), { numRuns: 5000 });
});

test.run();
