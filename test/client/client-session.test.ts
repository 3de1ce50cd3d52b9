import dns from 'node:dns';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runClient } from '../../src/client/client.ts';
import { ScriptedRelay, keysDir, removeKeyStores, send, startClient, until } from '../support/scripted-relay.ts';

test('shows a redelivered message once, acknowledges every delivery, and reconnects', async () => {
  const relay = new ScriptedRelay();
  const port = await relay.listen();
  const first = relay.nextConnection();
  const { input, status, screen } = startClient({ name: 'bob', server: { host: '127.0.0.1', port }, password: 'secret password' });

  const one = await first;
  send(one, { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed' });
  await until(() => relay.received[0]?.some((f) => f.op === 'auth') ?? false, 'auth');
  assert.equal(relay.received[0]?.[0], { op: 'auth', name: 'bob', password: 'secret password' });
  send(one, { op: 'welcome', name: 'bob', pending: 2 });
  send(one, { op: 'msg', id: 'm-1', from: 'alice', body: 'first', ts: Date.UTC(2026, 0, 1, 12, 0, 0) });
  send(one, { op: 'msg', id: 'm-2', from: 'alice', body: 'second\u001b[2J', ts: Date.UTC(2026, 0, 1, 12, 0, 1) });
  await until(() => relay.received[0]?.filter((f) => f.op === 'ack').length === 2, 'two acks');
  assert.match(screen(), '2 messages waiting');
  assert.match(screen(), 'alice (unencrypted): second^[[2J', 'an escape sequence from a sender is shown, not obeyed; a plain body is marked');

  const second = relay.nextConnection();
  one.destroy();
  const two = await second;
  send(two, { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed' });
  await until(() => relay.received[1]?.some((f) => f.op === 'auth') ?? false, 'auth again');
  send(two, { op: 'welcome', name: 'bob', pending: 2 });
  send(two, { op: 'msg', id: 'm-2', from: 'alice', body: 'second\u001b[2J', ts: Date.UTC(2026, 0, 1, 12, 0, 1), redelivered: true });
  send(two, { op: 'msg', id: 'm-3', from: 'alice', body: 'third', ts: Date.UTC(2026, 0, 1, 12, 0, 2) });
  await until(() => relay.received[1]?.filter((f) => f.op === 'ack').length === 2, 'acks after reconnecting');
  assert.equal(relay.received[1]?.filter((f) => f.op === 'ack'), [{ op: 'ack', ids: ['m-2'] }, { op: 'ack', ids: ['m-3'] }]);

  input.end('@alice thanks\n');
  await until(() => relay.received[1]?.some((f) => f.op === 'quit') ?? false, 'quit');
  await until(() => screen().includes('#1 to alice: not sent'), 'the refusal');
  assert.is(relay.received[1]?.find((f) => f.op === 'send'), undefined, 'nothing goes out in clear to an operator without a key');
  send(two, { op: 'bye', reason: 'quit' });
  two.end();
  assert.is(await status, 1, 'input ended with a message not sent: status 1');

  assert.is(screen().match(/alice \(unencrypted\): first/g)?.length, 1);
  assert.is(screen().match(/alice \(unencrypted\): second/g)?.length, 1, 'the redelivered message is shown once');
  assert.is(screen().match(/alice \(unencrypted\): third/g)?.length, 1);
  assert.match(screen(), /connection lost \(.*\); reconnecting in/);
  assert.match(screen(), 'reconnected to 127.0.0.1');
  assert.match(screen(), '#1 to alice: not sent (alice has no key yet');
  assert.not.match(screen(), 'secret password');
  await relay.close();
});

// Issue 24: a rejection nobody waited for ended the client, and what it had not sent with it.
test('a failure while showing a message is said where, never what; the client goes on, shows the next and quits 0', async () => {
  const relay = new ScriptedRelay();
  const port = await relay.listen();
  const connection = relay.nextConnection();
  const input = new PassThrough();
  const output = new PassThrough();
  let screen = '';
  const write = output.write.bind(output) as (chunk: string) => boolean;
  // The terminal fails on one line, as a closed pipe would.
  output.write = ((chunk: string) => {
    if (String(chunk).includes('TOPSECRET')) throw new Error('EPIPE');
    screen += String(chunk);
    return write(chunk);
  }) as typeof output.write;
  const status = runClient({ name: 'bob', server: { host: '127.0.0.1', port }, password: 'secret password', keys: { dir: keysDir() }, input, output });
  const socket = await connection;
  send(socket, { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed' });
  await until(() => relay.received[0]?.some((f) => f.op === 'auth') ?? false, 'auth');
  send(socket, { op: 'welcome', name: 'bob', pending: 2 });
  send(socket, { op: 'msg', id: 'm-1', from: 'alice', body: 'TOPSECRET', ts: Date.UTC(2026, 0, 1, 12, 0, 0) });
  send(socket, { op: 'msg', id: 'm-2', from: 'alice', body: 'after it', ts: Date.UTC(2026, 0, 1, 12, 0, 1) });
  await until(() => relay.received[0]?.some((f) => f.op === 'ack') ?? false, 'the ack of the next message');
  assert.equal(relay.received[0]?.filter((f) => f.op === 'ack'), [{ op: 'ack', ids: ['m-2'] }], 'the message not shown is not acknowledged: it comes again');
  assert.match(screen, /internal error in msg \(Error at .*\); the client goes on/);
  assert.match(screen, 'alice (unencrypted): after it');
  input.end('/quit\n');
  await until(() => relay.received[0]?.some((f) => f.op === 'quit') ?? false, 'quit');
  send(socket, { op: 'bye', reason: 'quit' });
  socket.end();
  assert.is(await status, 0);
  assert.not.match(screen, 'EPIPE');
  await relay.close();
});

for (const password of ['@bob my secret password', 'my secret password, no at sign']) {
  test(`a piped password (${JSON.stringify(password)}) is the password only, never a command`, async () => {
    const relay = new ScriptedRelay();
    const port = await relay.listen();
    const connection = relay.nextConnection();
    const { input, status, screen } = startClient({ name: 'pat', server: { host: '127.0.0.1', port } });
    // In one chunk, as from `printf '…\n/who\n' | bin/litsxg client pat`, after the client asked for it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    input.end(`${password}\n/who\n`);
    const socket = await connection;
    send(socket, { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed' });
    await until(() => relay.received[0]?.some((f) => f.op === 'auth') ?? false, 'auth');
    send(socket, { op: 'welcome', name: 'pat', pending: 0 });
    // /who typed before the session was ready goes out once it is, then the end of input quits.
    await until(() => relay.received[0]?.some((f) => f.op === 'quit') ?? false, 'quit');
    // After a password login the client publishes its key; nothing else goes out but what was typed.
    const ops = relay.received[0]!.map((f) => f.op);
    assert.equal(ops.filter((op) => op !== 'ping'), ['auth', 'publish_key', 'who', 'quit']);
    // A ping first: what waited at login has arrived (before its pong) when what was typed goes.
    assert.ok(ops.indexOf('ping') !== -1 && ops.indexOf('ping') < ops.indexOf('who'), ops.join());
    assert.equal(relay.received[0]?.[0], { op: 'auth', name: 'pat', password });
    socket.destroy();
    assert.is(await status, 0);
    assert.not.match(screen(), 'secret');
    assert.not.match(screen(), 'to send, write');
    await relay.close();
  });
}

test('a host name that does not resolve ends the client at once with status 8, the cause and what was not sent on screen', async () => {
  const original = dns.lookup;
  // node:net resolves names through dns.lookup: answer as a resolver would, without asking one.
  dns.lookup = ((host: string, _options: unknown, callback: (error: Error) => void) => {
    setTimeout(() => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })), 100);
  }) as unknown as typeof dns.lookup;
  try {
    const { input, status, screen } = startClient({ name: 'bob', server: { host: 'nowhere.invalid', port: 7770 }, password: 'secret password' });
    input.write('@alice typed while connecting\n');
    assert.is(await status, 8, screen());
    assert.match(screen(), 'sending to alice once connected');
    assert.match(screen(), '1 message typed meanwhile not sent');
    assert.match(screen(), 'cannot connect (cannot reach nowhere.invalid:7770: ENOTFOUND); the server never answered');
    assert.not.match(screen(), 'reconnecting');
  } finally {
    dns.lookup = original;
  }
});

test('what the server and other people send is shown, never obeyed: controls, tabs, bidirectional overrides', async () => {
  const relay = new ScriptedRelay();
  const port = await relay.listen();
  const connection = relay.nextConnection();
  const { input, status, screen } = startClient({ name: 'bob', server: { host: '127.0.0.1', port }, password: 'secret password' });
  const socket = await connection;
  send(socket, { op: 'hello', server: 'litsxg', protocol: 1, registration: 'closed' });
  send(socket, { op: 'welcome', name: 'bob', pending: 1 });
  send(socket, { op: 'msg', id: 'm-1', from: 'al\u202eice', body: 'pay\t\u202Eeno\u202C \u2066x\u2069\u200fy\u061c\u200b\u009b2J\r\nline two\u2028three', ts: Date.UTC(2026, 0, 1, 12, 0, 0) });
  send(socket, { op: 'online', names: ['bob', 'e\u202ee'] });
  send(socket, { op: 'error', code: 'internal', message: 'oops\u202e\u001b[2J' });
  // The message waits for the sender's key to be asked for (a name with a key may not send in clear).
  await until(() => screen().includes('oops') && screen().includes('three'), 'the error line and the message');
  assert.match(screen(), 'al<U+202E>ice (unencrypted): pay^I<U+202E>eno<U+202C> <U+2066>x<U+2069><U+200F>y<U+061C><U+200B><U+009B>2J\n    line two<U+2028>three');
  assert.match(screen(), 'online: bob, e<U+202E>e');
  assert.match(screen(), 'server: internal (oops<U+202E>^[[2J)');
  assert.not.match(screen(), /[\t\u202e\u202c\u2066\u2069\u200f\u061c\u200b\u009b\u2028\u001b]/);
  input.end();
  socket.destroy();
  assert.is(await status, 0);
  await relay.close();
});

test.after(() => removeKeyStores());
test.run();
