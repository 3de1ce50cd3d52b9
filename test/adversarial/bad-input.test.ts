import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Frame } from '../support/protocol-client.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServer } from '../support/server-process.ts';

let server: RunningServer;

test.before(async () => {
  server = await startServer({ operators: ['alice', 'bob', 'carol', 'dave'] });
});

test.after(async () => {
  assert.equal(server.logs.filter((entry) => entry.event === 'handler_failed'), [], 'no handler failed');
  assert.is(await server.stop(), 0, 'the server survived every case and stopped cleanly');
});

/** The connection is still served: a ping gets its pong. */
async function alive(client: ProtocolClient, ref = 'alive'): Promise<void> {
  client.send({ op: 'ping', ref });
  assert.equal(await client.next('pong'), { op: 'pong', ref });
}

/** Other operators are unaffected: carol and dave still exchange a message, end to end. */
async function othersUnaffected(): Promise<void> {
  const carol = await ProtocolClient.login(server.port, 'carol');
  const dave = await ProtocolClient.login(server.port, 'dave');
  carol.send({ op: 'send', to: 'dave', body: 'still here?', ref: 'u' });
  assert.is((await carol.next('sent')).status, 'delivered');
  const msg = await dave.next('msg');
  assert.is(msg.body, 'still here?');
  dave.send({ op: 'ack', id: msg.id });
  await carol.next('receipt');
  carol.close();
  dave.close();
}

async function expectError(client: ProtocolClient, line: string | Buffer, code: string, ref?: string): Promise<Frame> {
  client.sendRaw(line);
  const error = await client.next();
  assert.is(error.op, 'error', JSON.stringify(error));
  assert.is(error.code, code, `${String(line).slice(0, 80)} → ${JSON.stringify(error)}`);
  assert.is(error.ref, ref);
  return error;
}

test('invalid UTF-8 and NUL bytes: bad_frame, the connection goes on', async () => {
  const alice = await ProtocolClient.login(server.port, 'alice');
  await expectError(alice, Buffer.concat([Buffer.from('{"op":"ping","ref":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}\n')]), 'bad_frame');
  await expectError(alice, Buffer.from([0xed, 0xa0, 0x80, 0x0a]), 'bad_frame'); // an encoded lone surrogate
  await expectError(alice, Buffer.from([0, 0, 0, 0x0a]), 'bad_frame');
  await expectError(alice, Buffer.from('{"op":"ping","ref":"a\u0000b"}\n'), 'bad_frame'); // a raw NUL is not valid JSON
  await alive(alice);
  // An escaped NUL is text like any other: it travels intact.
  const bob = await ProtocolClient.login(server.port, 'bob');
  alice.send({ op: 'send', to: 'bob', body: 'a\u0000b\u0000', ref: 'nul' });
  assert.is((await alice.next('sent')).ref, 'nul');
  const nul = await bob.next('msg');
  assert.is(nul.body, 'a\u0000b\u0000');
  bob.send({ op: 'ack', id: nul.id });
  await alive(bob);
  alice.close();
  bob.close();
  await othersUnaffected();
});

test('a 1 MB line with no newline: frame_too_large, closed, server fine', async () => {
  for (const authenticated of [false, true]) {
    const client = authenticated ? await ProtocolClient.login(server.port, 'alice') : await ProtocolClient.connect(server.port);
    if (!authenticated) await client.next('hello');
    client.sendRaw(Buffer.alloc(1024 * 1024, 'a'));
    const error = await client.next('error');
    assert.is(error.code, 'frame_too_large');
    assert.ok(await client.waitClosed(), 'closed after frame_too_large');
  }
  await othersUnaffected();
});

test('deeply nested JSON: extra fields are ignored, a nested non-object is bad_frame', async () => {
  const alice = await ProtocolClient.login(server.port, 'alice');
  const depth = 30_000;
  alice.sendRaw(`{"op":"ping","ref":"deep","x":${'['.repeat(depth)}${']'.repeat(depth)}}\n`);
  assert.equal(await alice.next(), { op: 'pong', ref: 'deep' });
  await expectError(alice, `${'['.repeat(depth)}${']'.repeat(depth)}\n`, 'bad_frame');
  await expectError(alice, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}\n`, 'bad_frame');
  await alive(alice);
  alice.close();
});

test('__proto__, constructor, prototype as ops, keys and names: answered like any other', async () => {
  const guest = await ProtocolClient.connect(server.port);
  await guest.next('hello');
  for (const op of ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty']) {
    await expectError(guest, `${JSON.stringify({ op, ref: op })}\n`, 'unknown_op', op);
  }
  await expectError(guest, '{"op":"auth","name":"__proto__","password":"whatever123"}\n', 'invalid');
  await expectError(guest, '{"op":"auth","name":"constructor","password":"whatever123"}\n', 'auth_failed');
  await expectError(guest, '{"__proto__":{"op":"ping"}}\n', 'bad_frame');
  guest.close();

  const alice = await ProtocolClient.login(server.port, 'alice');
  const bob = await ProtocolClient.login(server.port, 'bob');
  for (const to of ['constructor', 'prototype', 'tostring', 'valueof']) {
    await expectError(alice, `${JSON.stringify({ op: 'send', to, body: 'x', ref: to })}\n`, 'no_such_recipient', to);
  }
  await expectError(alice, '{"op":"send","to":"__proto__","body":"x"}\n', 'invalid');
  // A __proto__ key is an own field of the parsed frame, ignored: it cannot redirect the message.
  alice.sendRaw('{"op":"send","to":"bob","body":"proto","ref":"p","__proto__":{"to":"carol","op":"quit"}}\n');
  assert.is((await alice.next()).op, 'sent');
  const proto = await bob.next('msg');
  assert.is(proto.body, 'proto');
  bob.send({ op: 'ack', id: proto.id });
  await alive(bob);
  alice.sendRaw('{"op":"ack","ids":[],"constructor":{"prototype":{"polluted":1}}}\n');
  await alive(alice);
  alice.close();
  bob.close();
  await othersUnaffected();
});

test('numbers where strings belong: invalid; a non-string op: bad_frame', async () => {
  const guest = await ProtocolClient.connect(server.port);
  await guest.next('hello');
  await expectError(guest, '{"op":"auth","name":"alice","password":1234567890}\n', 'invalid');
  await expectError(guest, '{"op":"auth","name":42,"password":"correct horse battery"}\n', 'invalid');
  guest.close();
  const alice = await ProtocolClient.login(server.port, 'alice');
  await expectError(alice, '{"op":"send","to":42,"body":"x","ref":"n1"}\n', 'invalid', 'n1');
  await expectError(alice, '{"op":"send","to":"bob","body":7,"ref":"n2"}\n', 'invalid', 'n2');
  await expectError(alice, '{"op":"send","to":"bob","body":"x","ref":5}\n', 'invalid');
  await expectError(alice, '{"op":"ack","id":17}\n', 'invalid');
  await expectError(alice, '{"op":"ack","ids":[1,2,3]}\n', 'invalid');
  await expectError(alice, '{"op":5}\n', 'bad_frame');
  await expectError(alice, '{"op":null}\n', 'bad_frame');
  await expectError(alice, '{"op":["ping"]}\n', 'bad_frame');
  await expectError(alice, '"ping"\n', 'bad_frame');
  await expectError(alice, '1e999\n', 'bad_frame');
  await alive(alice);
  alice.close();
});

test('huge ids arrays: 1001 is invalid, 1000 unknown ids are ignored silently', async () => {
  const alice = await ProtocolClient.login(server.port, 'alice');
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `m-${i.toString(36).padStart(8, '0')}`);
  await expectError(alice, `${JSON.stringify({ op: 'ack', ids: ids(1001), ref: 'big' })}\n`, 'invalid', 'big');
  alice.send({ op: 'ack', ids: ids(1000) });
  alice.send({ op: 'ack', ids: new Array(1000).fill('x'.repeat(50)) });
  await alive(alice, 'after-acks');
  assert.equal(await alice.pending(100), [], 'an ack gets no reply');
  alice.close();
});

test('a frame written one byte at a time is one frame', async () => {
  const alice = await ProtocolClient.login(server.port, 'alice');
  const bob = await ProtocolClient.login(server.port, 'bob');
  const bytes = Buffer.from(`${JSON.stringify({ op: 'send', to: 'bob', body: 'slow — ü 🙂', ref: 'drip' })}\r\n`);
  for (const byte of bytes) {
    alice.sendRaw(Buffer.of(byte));
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal((await alice.next()).ref, 'drip');
  const slow = await bob.next('msg');
  assert.is(slow.body, 'slow — ü 🙂');
  bob.send({ op: 'ack', id: slow.id });
  await alive(bob);
  await alive(alice);
  alice.close();
  bob.close();
});

test.run();
