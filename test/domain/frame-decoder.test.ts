import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFrame } from '../../src/domain/frame-decoder.ts';

const decode = (value: unknown) => decodeFrame(typeof value === 'string' ? value : JSON.stringify(value));

test('lines that are not a JSON object with a string op are bad_frame', () => {
  for (const line of ['not json', '[1,2]', 'null', '"op"', '42', '{}', '{"op":7}', '{"op":null}']) {
    assert.equal(decodeFrame(line), { ok: false, code: 'bad_frame' }, line);
  }
  assert.equal(decodeFrame(null), { ok: false, code: 'bad_frame' });
});

test('an unknown op is unknown_op, even one that names an Object.prototype member', () => {
  for (const op of ['fly', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    const result = decode({ op, ref: 'r' });
    assert.equal(result, { ok: false, code: 'unknown_op', ref: 'r' }, op);
  }
});

test('unknown extra fields are ignored', () => {
  assert.equal(decode({ op: 'ping', extra: { deep: [1] } }), { ok: true, frame: { op: 'ping' } });
});

test('auth and register need a valid name and a password of 1 to 1024 bytes', () => {
  assert.equal(decode({ op: 'auth', name: 'alice', password: 'pw' }), { ok: true, frame: { op: 'auth', name: 'alice', password: 'pw' } });
  for (const bad of [
    { op: 'auth', name: 'Alice', password: 'pw' },
    { op: 'auth', name: '-alice', password: 'pw' },
    { op: 'auth', name: 'a'.repeat(33), password: 'pw' },
    { op: 'register', name: 'bob', password: '' },
    { op: 'register', name: 'bob', password: 'é'.repeat(513) },
    { op: 'auth', name: 'bob' },
    { op: 'auth', name: 'bob', password: 12 },
  ]) {
    const result = decode(bad);
    assert.equal(result.ok, false, JSON.stringify(bad));
    assert.equal(!result.ok && result.code, 'invalid');
    assert.match(result.ok ? '' : result.code === 'invalid' ? result.message : '', bad.name === 'bob' ? /^password: expected a string of 1 to 1024 bytes$/ : /^name: expected an operator name/, JSON.stringify(bad));
  }
  assert.ok(decode({ op: 'register', name: 'a'.repeat(32), password: 'é'.repeat(512) }).ok);
});

test('send needs a valid recipient and a non-empty string body', () => {
  assert.equal(decode({ op: 'send', to: 'bob', body: 'hi', ref: 'c-1' }), { ok: true, frame: { op: 'send', to: 'bob', body: 'hi', ref: 'c-1' } });
  const name = 'expected an operator name (1 to 32 of a-z 0-9 . _ -, starting with a letter or digit)';
  for (const [bad, message] of [
    [{ op: 'send', to: 'bob', body: '' }, 'body: expected a non-empty string'],
    [{ op: 'send', to: 'bob', body: 5 }, 'body: expected a non-empty string'],
    [{ op: 'send', to: 'bob' }, 'body: expected a non-empty string'],
    [{ op: 'send', to: 'B', body: 'x' }, `to: ${name}`],
    [{ op: 'send', body: 'x' }, `to: ${name}`],
  ] as const) {
    assert.equal(decode(bad), { ok: false, code: 'invalid', op: 'send', ref: undefined, message }, JSON.stringify(bad));
  }
});

test('a ref longer than 64 characters or not a string makes the frame invalid, and is not echoed', () => {
  const message = 'ref: expected a string of at most 64 characters';
  assert.equal(decode({ op: 'ping', ref: 'x'.repeat(65) }), { ok: false, code: 'invalid', op: 'ping', message });
  assert.equal(decode({ op: 'ping', ref: 12 }), { ok: false, code: 'invalid', op: 'ping', message });
  assert.equal(decode({ op: 'ping', ref: '😀'.repeat(64) }), { ok: true, frame: { op: 'ping', ref: '😀'.repeat(64) } });
});

test('ack takes id or up to 1000 ids, and neither is invalid', () => {
  assert.equal(decode({ op: 'ack', id: 'm-1' }), { ok: true, frame: { op: 'ack', ids: ['m-1'] } });
  assert.equal(decode({ op: 'ack', ids: ['m-1', 'm-2'] }), { ok: true, frame: { op: 'ack', ids: ['m-1', 'm-2'] } });
  assert.ok(decode({ op: 'ack', ids: Array.from({ length: 1000 }, (_, i) => `m-${i}`) }).ok);
  for (const bad of [{ op: 'ack' }, { op: 'ack', ids: Array.from({ length: 1001 }, (_, i) => `m-${i}`) }, { op: 'ack', ids: [1] }, { op: 'ack', id: 3 }, { op: 'ack', ids: 'm-1' }]) {
    const result = decode(bad);
    assert.match(!result.ok && result.code === 'invalid' ? result.message : 'not invalid', /^(id or ids|id|ids): expected /, JSON.stringify(bad).slice(0, 40));
  }
});

test('ack may say its copies were unreadable: true, false or nothing, never a reason', () => {
  assert.equal(decode({ op: 'ack', ids: ['m-1'], unreadable: true }), { ok: true, frame: { op: 'ack', ids: ['m-1'], unreadable: true } });
  assert.equal(decode({ op: 'ack', ids: ['m-1'], unreadable: false }), { ok: true, frame: { op: 'ack', ids: ['m-1'] } });
  for (const unreadable of ['epoch', 1, null, {}]) {
    const result = decode({ op: 'ack', ids: ['m-1'], unreadable });
    assert.equal(result.ok ? 'accepted' : [result.code, 'message' in result && result.message], ['invalid', 'unreadable: expected true or false'], JSON.stringify(unreadable));
  }
});

test('who, ping and quit carry nothing but a ref', () => {
  for (const op of ['who', 'ping', 'quit']) assert.equal(decode({ op, ref: 'z' }), { ok: true, frame: { op, ref: 'z' } });
});

test.run();
