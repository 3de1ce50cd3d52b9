import * as fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DecodeResult } from '../../src/domain/frame-decoder.ts';
import { decodeFrame } from '../../src/domain/frame-decoder.ts';
import { codePointLength, utf8ByteLength } from '../../src/domain/text.ts';

const KNOWN_OPS = ['auth', 'register', 'send', 'ack', 'who', 'ping', 'quit'];
const NAME = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const TRICKY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Whatever the line, the result is one of the shapes the relay handles, each well typed. */
function assertWellFormed(result: DecodeResult): void {
  assert.type(result, 'object');
  if (!result.ok) {
    assert.ok(['bad_frame', 'unknown_op', 'invalid'].includes(result.code), result.code);
    if (result.op !== undefined) assert.ok(KNOWN_OPS.includes(result.op));
    if (result.ref !== undefined) assert.ok(typeof result.ref === 'string' && codePointLength(result.ref) <= 64);
    if (result.code === 'bad_frame') assert.is(result.op, undefined);
    return;
  }
  const frame = result.frame as Record<string, unknown>;
  assert.ok(KNOWN_OPS.includes(frame.op as string), String(frame.op));
  assert.ok(Object.getPrototypeOf(frame) === Object.prototype, 'a plain object');
  if (frame.ref !== undefined) assert.ok(typeof frame.ref === 'string' && codePointLength(frame.ref) <= 64);
  switch (frame.op) {
    case 'auth':
    case 'register':
      assert.ok(NAME.test(frame.name as string));
      assert.ok(typeof frame.password === 'string' && frame.password.length > 0 && utf8ByteLength(frame.password) <= 1024);
      break;
    case 'send':
      assert.ok(NAME.test(frame.to as string));
      assert.ok(typeof frame.body === 'string' && frame.body.length > 0);
      break;
    case 'ack':
      assert.ok(Array.isArray(frame.ids) && frame.ids.length <= 1001 && frame.ids.every((id) => typeof id === 'string'));
      break;
  }
}

const name = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,31}$/);
const ref = fc.option(fc.string({ maxLength: 70 }), { nil: undefined });
const validFrame = fc.oneof(
  fc.record({ op: fc.constantFrom('auth', 'register'), name, password: fc.string({ minLength: 1, maxLength: 40 }), ref }),
  fc.record({ op: fc.constant('send'), to: name, body: fc.string({ minLength: 1, maxLength: 80 }), ref }),
  fc.record({ op: fc.constant('ack'), id: fc.option(fc.string(), { nil: undefined }), ids: fc.option(fc.array(fc.string(), { maxLength: 20 }), { nil: undefined }), ref }),
  fc.record({ op: fc.constantFrom('who', 'ping', 'quit'), ref }),
);

/** A valid frame, then broken: a field dropped, retyped, a hostile key added, or the op changed. */
const mutatedFrame = fc
  .tuple(validFrame, fc.nat(), fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...TRICKY_KEYS, 'op', 'name', 'to', 'body', 'ids', 'id', 'ref', 'password'))
  .map(([frame, choice, value, key]) => {
    const copy: Record<string, unknown> = { ...frame };
    const keys = Object.keys(copy);
    switch (choice % 4) {
      case 0:
        delete copy[keys[choice % keys.length]!];
        break;
      case 1:
        copy[keys[choice % keys.length]!] = value;
        break;
      case 2:
        Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
        break;
      default:
        copy.op = choice % 8 === 3 ? value : TRICKY_KEYS[choice % TRICKY_KEYS.length];
    }
    return JSON.stringify(copy);
  });

const property = (line: fc.Arbitrary<string | null>) =>
  fc.assert(fc.property(line, (text) => assertWellFormed(decodeFrame(text))), { numRuns: 3000 });

test('any string, lone surrogates included: never throws, always a well-formed result', () => {
  property(fc.string({ unit: 'binary', maxLength: 200 }));
});

test('any JSON value: never throws, objects without a string op are bad_frame', () => {
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
      const result = decodeFrame(JSON.stringify(value));
      assertWellFormed(result);
      const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
      if (!isObject || typeof (value as Record<string, unknown>).op !== 'string') assert.equal(result, { ok: false, code: 'bad_frame' });
    }),
    { numRuns: 3000 },
  );
});

test('mutated frames: never throws; hostile keys and ops reach nothing on Object.prototype', () => {
  property(mutatedFrame);
  for (const op of TRICKY_KEYS) {
    const result = decodeFrame(JSON.stringify({ op, ref: 'r' }));
    assert.equal(result, { ok: false, code: 'unknown_op', ref: 'r' });
  }
  const polluted = decodeFrame('{"op":"ping","__proto__":{"op":"quit","polluted":true}}');
  assert.equal(polluted, { ok: true, frame: { op: 'ping' } });
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test('valid frames decode to exactly their known fields', () => {
  fc.assert(
    fc.property(validFrame, (frame) => {
      const result = decodeFrame(JSON.stringify(frame));
      const refOk = frame.ref === undefined || codePointLength(frame.ref) <= 64;
      const ackOk = frame.op !== 'ack' || ('id' in frame && frame.id !== undefined) || ('ids' in frame && frame.ids !== undefined);
      if (!refOk || !ackOk) {
        assert.equal(result.ok, false);
        assert.is(!result.ok && result.code, 'invalid');
        return;
      }
      assertWellFormed(result);
      assert.ok(result.ok);
      assert.is(result.ok && result.frame.op, frame.op);
    }),
    { numRuns: 3000 },
  );
});

test('deeply nested JSON and huge ids arrays are answered, not thrown', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  assert.equal(decodeFrame(`{"op":"ping","x":${deep}}`), { ok: true, frame: { op: 'ping' } });
  const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
  assert.equal(decodeFrame(`{"op":"ack","ids":[],"x":${deepObject}}`), { ok: true, frame: { op: 'ack', ids: [] } });
  const ids = JSON.stringify(Array.from({ length: 1001 }, (_, i) => `m-${i}`));
  assert.equal(decodeFrame(`{"op":"ack","ids":${ids}}`), { ok: false, code: 'invalid', op: 'ack', ref: undefined, message: 'ids: expected an array of at most 1000 strings' });
  assert.equal(decodeFrame(`{"op":"send","to":7,"body":"x"}`).ok, false);
  assert.equal(decodeFrame(`{"op":"auth","name":"alice","password":12345678901}`).ok, false);
});

test.run();
