import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolClient } from '../support/protocol-client.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServer, stopServers } from '../support/server-process.ts';

// PROTOCOL "Framing", against the real server over TCP (default frame limit: 65536 bytes).
const FRAME_LIMIT = 65536;
let server: RunningServer;

test.before(async () => {
  server = await startServer({ operators: ['alice', 'bob', 'carol'] });
});

test.after(async () => {
  for (const status of await stopServers([server])) assert.is(status, 0);
});

async function greeted(): Promise<ProtocolClient> {
  const client = await ProtocolClient.connect(server.port);
  await client.next('hello');
  return client;
}

/** A ping line of exactly `bytes` bytes of UTF-8, newline not included. */
function pingOfBytes(bytes: number, ref = 'big'): string {
  const head = `{"op":"ping","ref":"${ref}","pad":"`;
  const tail = '"}';
  return head + 'a'.repeat(bytes - head.length - tail.length) + tail;
}

test('a frame of exactly the limit, newline included, is accepted; one byte more is frame_too_large and closes', async () => {
  const client = await greeted();
  const atLimit = `${pingOfBytes(FRAME_LIMIT - 1)}\n`;
  assert.is(Buffer.byteLength(atLimit), FRAME_LIMIT);
  client.sendRaw(atLimit);
  assert.equal(await client.next(), { op: 'pong', ref: 'big' });

  const over = `${pingOfBytes(FRAME_LIMIT)}\n`;
  client.sendRaw(over);
  const error = await client.next();
  assert.is(error.op, 'error');
  assert.is(error.code, 'frame_too_large');
  assert.not.ok('ref' in error, 'a frame too large to read has no ref to echo');
  assert.ok(await client.waitClosed(), 'frame_too_large is fatal');
});

test('\\r\\n ends a frame too, and the \\r counts towards the limit', async () => {
  const client = await greeted();
  client.sendRaw('{"op":"ping","ref":"crlf"}\r\n');
  assert.equal(await client.next(), { op: 'pong', ref: 'crlf' });
  client.sendRaw(`${pingOfBytes(FRAME_LIMIT - 2, 'crlf-full')}\r\n`);
  assert.equal(await client.next(), { op: 'pong', ref: 'crlf-full' });
  client.sendRaw(`${pingOfBytes(FRAME_LIMIT - 1, 'crlf-over')}\r\n`);
  assert.is((await client.next()).code, 'frame_too_large');
  assert.ok(await client.waitClosed());
});

test('unparsed input never exceeds one frame limit: a line is refused as soon as it can no longer fit', async () => {
  const client = await greeted();
  // One byte short of the limit and no newline yet: it could still end in `\n` and fit.
  client.sendRaw(pingOfBytes(FRAME_LIMIT - 1).slice(0, FRAME_LIMIT - 1));
  assert.equal(await client.pending(300), [], 'nothing is said while the line can still fit');
  assert.not.ok(client.closed);
  client.sendRaw('a');
  assert.is((await client.next('error', 3_000)).code, 'frame_too_large');
  assert.ok(await client.waitClosed());
});

test('frames split across writes and several frames in one write are each read whole', async () => {
  const client = await greeted();
  client.sendRaw('{"op":"pi');
  await client.pending(100);
  client.sendRaw('ng","ref":"split"}\n{"op":"ping","ref":"second"}\n{"op":"ping","ref":"third"}\n');
  assert.equal(await client.next(), { op: 'pong', ref: 'split' });
  assert.equal(await client.next(), { op: 'pong', ref: 'second' });
  assert.equal(await client.next(), { op: 'pong', ref: 'third' });
});

test('a line that is not a JSON object, or has no string op, is bad_frame and not fatal', async () => {
  const client = await greeted();
  const lines = ['not json', '[1,2]', '42', '"ping"', 'null', '{}', '{"op":1}', '{"op":null}', '{"op":["ping"]}', '{"op":"ping"'];
  for (const line of lines) {
    client.sendRaw(`${line}\n`);
    const error = await client.next();
    assert.equal([error.op, error.code], ['error', 'bad_frame'], line);
    assert.type(error.message, 'string');
  }
  client.send({ op: 'ping', ref: 'still-open' });
  assert.equal(await client.next(), { op: 'pong', ref: 'still-open' });
});

test('server choice: an empty line and a line that is not valid UTF-8 are bad_frame', async () => {
  const client = await greeted();
  client.sendRaw('\n');
  assert.is((await client.next()).code, 'bad_frame');
  client.sendRaw(Buffer.concat([Buffer.from('{"op":"ping","ref":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]));
  assert.is((await client.next()).code, 'bad_frame');
  client.send({ op: 'ping' });
  assert.equal(await client.next(), { op: 'pong' });
});

test('an unknown op is unknown_op (also names of Object.prototype), not fatal, ref echoed', async () => {
  const client = await greeted();
  for (const op of ['dance', 'constructor', '__proto__', 'toString', 'PING']) {
    client.send({ op, ref: `u-${op}` });
    assert.equal(await client.next(), { op: 'error', code: 'unknown_op', message: 'unknown op', ref: `u-${op}` }, op);
  }
  client.send({ op: 'ping' });
  assert.equal(await client.next(), { op: 'pong' });
});

test('unknown extra fields are ignored', async () => {
  const client = await greeted();
  client.send({ op: 'ping', ref: 'extra', colour: 'blue', nested: { a: [1] } });
  assert.equal(await client.next(), { op: 'pong', ref: 'extra' });
  const alice = await ProtocolClient.login(server.port, 'alice');
  alice.send({ op: 'who', ref: 'w', verbose: true });
  assert.equal(await alice.next(), { op: 'online', names: ['alice'] });
  alice.close();
});

test('a known op with missing or wrongly typed fields is invalid, not fatal, ref echoed', async () => {
  const bob = await ProtocolClient.login(server.port, 'bob');
  const name = 'to: expected an operator name (1 to 32 of a-z 0-9 . _ -, starting with a letter or digit)';
  // The message names the field and what it should have been (docs/protocol.md, "Errors").
  const frames = [
    [{ op: 'send', ref: 'i1' }, name],
    [{ op: 'send', to: 'alice', ref: 'i2' }, 'body: expected a non-empty string'],
    [{ op: 'send', to: 'alice', body: 7, ref: 'i3' }, 'body: expected a non-empty string'],
    [{ op: 'send', to: 'alice', body: '', ref: 'i3e' }, 'body: expected a non-empty string'],
    [{ op: 'send', to: 5, body: 'x', ref: 'i4' }, name],
    [{ op: 'ack', ref: 'i5' }, 'id or ids: expected a message id, or a list of them'],
    [{ op: 'ack', id: 12, ref: 'i6' }, 'id: expected a string'],
    [{ op: 'ack', ids: 'm-1', ref: 'i7' }, 'ids: expected an array of at most 1000 strings'],
    [{ op: 'ack', ids: [1, 2], ref: 'i8' }, 'ids: expected an array of at most 1000 strings'],
  ] as const;
  for (const [frame, message] of frames) {
    bob.send(frame);
    assert.equal(await bob.next(), { op: 'error', code: 'invalid', message, ref: frame.ref }, JSON.stringify(frame));
  }
  bob.send({ op: 'ping', ref: 'alive' });
  assert.equal(await bob.next(), { op: 'pong', ref: 'alive' });
  bob.close();
});

test('ref rules: echoed when the frame had one, absent otherwise; longer than 64 characters or not a string is invalid', async () => {
  const client = await greeted();
  client.send({ op: 'dance' });
  const noRef = await client.next();
  assert.is(noRef.code, 'unknown_op');
  assert.not.ok('ref' in noRef, 'no ref key when the frame had none');

  client.send({ op: 'ping', ref: 'r'.repeat(64) });
  assert.equal(await client.next(), { op: 'pong', ref: 'r'.repeat(64) });
  // 64 characters counted as code points: 64 emoji are 128 UTF-16 units.
  const emoji = '😀'.repeat(64);
  client.send({ op: 'ping', ref: emoji });
  assert.equal(await client.next(), { op: 'pong', ref: emoji });

  for (const ref of ['r'.repeat(65), '😀'.repeat(65), 42, null, ['a'], { a: 1 }]) {
    client.send({ op: 'ping', ref });
    const error = await client.next();
    assert.equal([error.op, error.code], ['error', 'invalid'], JSON.stringify(ref));
    assert.not.ok('ref' in error, 'a bad ref is not echoed');
  }
});

test('server choice: bad_frame never echoes a ref (the line is not a frame)', async () => {
  const client = await greeted();
  client.sendRaw('{"ref":"r-bad"}\n');
  const error = await client.next();
  assert.is(error.code, 'bad_frame');
  assert.not.ok('ref' in error);
});

test('the 16th bad_frame/unknown_op/invalid on a connection, counted for its whole life, closes it with too_many_errors', async () => {
  const carol = await ProtocolClient.login(server.port, 'carol');
  const bad = ['nope\n', '{"op":"dance"}\n', '{"op":"send"}\n'];
  for (let i = 0; i < 15; i++) {
    carol.sendRaw(bad[i % 3]!);
    const error = await carol.next();
    assert.equal(error.code, ['bad_frame', 'unknown_op', 'invalid'][i % 3], `error ${i + 1}`);
    // Valid frames in between do not reset the count.
    carol.send({ op: 'ping', ref: `p${i}` });
    assert.equal(await carol.next(), { op: 'pong', ref: `p${i}` });
  }
  assert.not.ok(carol.closed);
  carol.send({ op: 'send', ref: 'sixteenth' });
  const fatal = await carol.next();
  // Server choice: the 16th gets too_many_errors instead of its own error (and no ref: it answers the connection).
  assert.equal([fatal.op, fatal.code], ['error', 'too_many_errors']);
  assert.ok(await carol.waitClosed(), 'too_many_errors is fatal');
  assert.equal(await carol.pending(50), []);
});

test('errors are counted per connection: another connection starts from zero', async () => {
  const first = await greeted();
  for (let i = 0; i < 15; i++) first.sendRaw('nope\n');
  for (let i = 0; i < 15; i++) assert.is((await first.next()).code, 'bad_frame');
  const second = await greeted();
  second.sendRaw('nope\n');
  assert.is((await second.next()).code, 'bad_frame');
  second.send({ op: 'ping' });
  assert.equal(await second.next(), { op: 'pong' });
  first.sendRaw('nope\n');
  assert.is((await first.next()).code, 'too_many_errors');
  assert.ok(await first.waitClosed());
  assert.not.ok(second.closed);
});

test('server choice: not_authenticated does not count towards too_many_errors', async () => {
  const client = await greeted();
  for (let i = 0; i < 20; i++) client.send({ op: 'who' });
  for (let i = 0; i < 20; i++) assert.is((await client.next()).code, 'not_authenticated');
  client.send({ op: 'ping', ref: 'open' });
  assert.equal(await client.next(), { op: 'pong', ref: 'open' });
});

test('errors carry a human-readable message', async () => {
  const client = await greeted();
  client.send({ op: 'who', ref: 'x' });
  const error = await client.next();
  assert.equal(Object.keys(error).sort(), ['code', 'message', 'op', 'ref']);
  assert.ok(typeof error.message === 'string' && error.message.length > 0);
});

test.run();
