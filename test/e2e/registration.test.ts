import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServers, stopServers } from '../support/server-process.ts';

// PROTOCOL "Session" 2 (register) and "Names and passwords", against the real server over TCP.
const STRONG = 'a strong new password';
let open: RunningServer;
let closed: RunningServer;

test.before(async () => {
  [open, closed] = await startServers([
    { operators: ['alice'], args: ['--registration', 'open'] },
    { operators: ['alice'] },
  ]) as [RunningServer, RunningServer];
});

test.after(async () => {
  for (const status of await stopServers([open, closed])) assert.is(status, 0);
});

async function greeted(server: RunningServer): Promise<ProtocolClient> {
  const client = await ProtocolClient.connect(server.port);
  await client.next('hello');
  return client;
}

test('2. register where registration is open: welcome with pending 0, then the name can log in', async () => {
  const client = await greeted(open);
  client.send({ op: 'register', name: 'newbie', password: STRONG });
  assert.equal(await client.next(), { op: 'welcome', name: 'newbie', pending: 0 });
  client.send({ op: 'who' });
  assert.ok(((await client.next('online')).names as string[]).includes('newbie'));
  client.close();
  const again = await ProtocolClient.login(open.port, 'newbie', STRONG);
  again.close();
});

test('2. register: name_taken for an existing name, not fatal', async () => {
  const client = await greeted(open);
  client.send({ op: 'register', name: 'alice', password: STRONG, ref: 'r1' });
  assert.equal(await client.next(), { op: 'error', code: 'name_taken', message: 'that name is taken', ref: 'r1' });
  client.send({ op: 'register', name: 'taken-twice', password: STRONG });
  assert.is((await client.next()).op, 'welcome');
  client.close();
  const other = await greeted(open);
  other.send({ op: 'register', name: 'taken-twice', password: STRONG });
  assert.is((await other.next()).code, 'name_taken');
  other.send({ op: 'ping' });
  assert.equal(await other.next(), { op: 'pong' });
  other.close();
});

test('2. register: weak_password under 10 code points, whatever the bytes', async () => {
  const client = await greeted(open);
  for (const password of ['123456789', '😀'.repeat(9), 'é'.repeat(9)]) {
    client.send({ op: 'register', name: 'weakling', password, ref: 'w' });
    assert.equal(await client.next(), { op: 'error', code: 'weak_password', message: 'password must have at least 10 characters', ref: 'w' }, password);
  }
  // Ten code points are enough even when they are 40 bytes: the rule counts characters.
  client.send({ op: 'register', name: 'weakling', password: '😀'.repeat(10) });
  assert.equal(await client.next(), { op: 'welcome', name: 'weakling', pending: 0 });
  client.close();
});

test('2. register where registration is closed: registration_closed, not fatal', async () => {
  const client = await greeted(closed);
  client.send({ op: 'register', name: 'carol', password: STRONG, ref: 'c' });
  assert.equal(await client.next(), { op: 'error', code: 'registration_closed', message: 'registration is closed', ref: 'c' });
  client.send({ op: 'auth', name: 'alice', password: PASSWORD });
  assert.equal(await client.next(), { op: 'welcome', name: 'alice', pending: 0 });
  client.close();
});

test('names: anything but ^[a-z0-9][a-z0-9._-]{0,31}$ in auth or register is invalid', async () => {
  const bad = ['', 'Alice', '-alice', '.alice', '_alice', 'al ice', 'alice!', 'a'.repeat(33), 'ålice', 42, null];
  for (const name of bad) {
    // A fresh connection per name: 16 invalid frames would close one (PROTOCOL "Framing").
    const client = await greeted(open);
    for (const op of ['auth', 'register']) {
      client.send({ op, name, password: STRONG, ref: 'n' });
      const error = await client.next();
      assert.equal([error.code, error.ref], ['invalid', 'n'], `${op} ${JSON.stringify(name)}`);
    }
    client.send({ op: 'auth', name, password: STRONG });
    assert.is((await client.next()).code, 'invalid');
    assert.not.ok(client.closed, 'invalid is not an authentication failure');
    client.close();
  }
  const client = await greeted(open);
  // The longest and most varied valid name passes validation.
  const longest = `0${'a._-9'.repeat(6)}z`;
  assert.is(longest.length, 32);
  client.send({ op: 'register', name: longest, password: STRONG });
  assert.equal(await client.next(), { op: 'welcome', name: longest, pending: 0 });
  client.close();
});

test('passwords: 1 to 1024 bytes, anything else in auth or register is invalid', async () => {
  const client = await greeted(open);
  for (const password of ['', 'x'.repeat(1025), 'é'.repeat(513), 12345678901, null]) {
    for (const op of ['auth', 'register']) {
      client.send({ op, name: 'longpass', password, ref: 'p' });
      const error = await client.next();
      assert.equal([error.code, error.ref], ['invalid', 'p'], `${op} ${JSON.stringify(password).slice(0, 20)}`);
    }
    client.send({ op: 'auth', name: 'longpass' });
    assert.is((await client.next()).code, 'invalid');
  }
  assert.not.ok(client.closed);
  // 1024 bytes exactly (512 two-byte characters) is a good password.
  client.send({ op: 'register', name: 'longpass', password: 'é'.repeat(512) });
  assert.equal(await client.next(), { op: 'welcome', name: 'longpass', pending: 0 });
  client.close();
  (await ProtocolClient.login(open.port, 'longpass', 'é'.repeat(512))).close();
});

test.run();
