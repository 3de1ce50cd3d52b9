import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Frame } from '../support/protocol-client.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD, seedOperators } from '../support/seed-operators.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServers, stopServers } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

// PROTOCOL "Session", against the real server over TCP (registration and "Names and passwords": registration.test.ts).
const STRONG = 'a strong new password';
let open: RunningServer;
let closed: RunningServer;
const closedDir = tempDir();

test.before(async () => {
  // A stored hash scrypt refuses (N must be a power of two): verifying it throws inside the server.
  await seedOperators(closedDir.path, ['broken'], { hash: 'scrypt$3$8$1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U' });
  [open, closed] = await startServers([
    { operators: ['alice', 'bob', 'dave', 'erin', 'frank', 'gina', 'hank', 'ivan'], args: ['--registration', 'open'] },
    { operators: ['alice'], args: ['--auth-timeout', '1'], dataDir: closedDir.path },
  ]) as [RunningServer, RunningServer];
});

test.after(async () => {
  const statuses = await stopServers([open, closed]);
  closedDir.remove();
  for (const status of statuses) assert.is(status, 0);
});

async function greeted(server: RunningServer): Promise<ProtocolClient> {
  const client = await ProtocolClient.connect(server.port);
  await client.next('hello');
  return client;
}

/** One authentication attempt on a fresh connection: the answer and how long it took. */
async function attempt(name: string, password: string): Promise<{ frame: Frame; ms: number; client: ProtocolClient }> {
  const client = await greeted(open);
  const started = performance.now();
  client.send({ op: 'auth', name, password });
  const frame = await client.next();
  return { frame, ms: performance.now() - started, client };
}

test('1. hello first, saying whether registration is open', async () => {
  for (const [server, registration] of [[open, 'open'], [closed, 'closed']] as const) {
    const client = await ProtocolClient.connect(server.port);
    const { challenge, server_id: serverId, boot_id: bootId, ...hello } = await client.next();
    assert.equal(hello, { op: 'hello', server: 'litsxg', protocol: 1, registration, features: ['keys', 'devices', 'groups'] });
    assert.type(challenge, 'string');
    assert.type(serverId, 'string');
    assert.match(String(bootId), /^[A-Za-z0-9_-]{22}$/);
    client.close();
  }
});

test('3. welcome counts pending messages, which follow at once, oldest first, first deliveries unflagged', async () => {
  const alice = await ProtocolClient.login(open.port, 'alice');
  const ids: unknown[] = [];
  for (const body of ['one', 'two', 'three']) {
    alice.send({ op: 'send', to: 'bob', body });
    const sent = await alice.next('sent');
    assert.is(sent.status, 'queued');
    ids.push(sent.id);
  }
  const bob = await ProtocolClient.login(open.port, 'bob');
  assert.equal(bob.received[1], { op: 'welcome', name: 'bob', pending: 3 });
  const first = [await bob.next(), await bob.next(), await bob.next()];
  assert.equal(first.map((m) => [m.op, m.from, m.body, m.id]), [['msg', 'alice', 'one', ids[0]], ['msg', 'alice', 'two', ids[1]], ['msg', 'alice', 'three', ids[2]]]);
  for (const msg of first) assert.not.ok('redelivered' in msg);
  bob.close();
  await bob.waitClosed();

  // Pushed before but never acknowledged: counted again, flagged, same id and ts.
  const back = await ProtocolClient.login(open.port, 'bob');
  assert.equal(back.received[1], { op: 'welcome', name: 'bob', pending: 3 });
  const again = [await back.next('msg'), await back.next('msg'), await back.next('msg')];
  assert.equal(again.map((m) => [m.id, m.ts, m.redelivered]), first.map((m) => [m.id, m.ts, true]));
  back.send({ op: 'ack', id: ids[0] });
  back.send({ op: 'ping' });
  await back.next('pong');
  back.close();
  await back.waitClosed();

  const last = await ProtocolClient.login(open.port, 'bob');
  assert.equal(last.received[1], { op: 'welcome', name: 'bob', pending: 2 });
  assert.equal([(await last.next('msg')).id, (await last.next('msg')).id], [ids[1], ids[2]]);
  last.send({ op: 'ack', ids: [ids[1], ids[2]] });
  last.close();
  alice.close();
});

test('4. a wrong password and an unknown name get the same answer, auth_failed, not fatal at first', async () => {
  const client = await greeted(open);
  client.send({ op: 'auth', name: 'dave', password: 'not the password', ref: 'a' });
  const wrong = await client.next();
  client.send({ op: 'auth', name: 'nobody-here', password: 'not the password', ref: 'a' });
  const unknown = await client.next();
  assert.equal(wrong, { op: 'error', code: 'auth_failed', message: 'wrong name or password', ref: 'a' });
  assert.equal(unknown, wrong);
  assert.not.ok(client.closed);
});

test('4. a wrong password and an unknown name take about the same time', async () => {
  // A registered operator has a hash of the server's own cost (seeded ones are cheap on purpose).
  const registrar = await greeted(open);
  registrar.send({ op: 'register', name: 'timed', password: STRONG });
  assert.is((await registrar.next()).op, 'welcome');
  registrar.close();
  const wrong: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < 3; i++) {
    const w = await attempt('timed', `wrong password ${i}`);
    const u = await attempt(`ghost-${i}`, `wrong password ${i}`);
    assert.equal([w.frame.code, u.frame.code], ['auth_failed', 'auth_failed']);
    wrong.push(w.ms);
    unknown.push(u.ms);
    w.client.close();
    u.client.close();
  }
  // The fastest of each: a loaded machine only ever adds time (and the first unknown name also makes the decoy).
  const [fastestWrong, fastestUnknown] = [Math.min(...wrong), Math.min(...unknown)];
  assert.ok(fastestUnknown > fastestWrong / 2 && fastestUnknown < fastestWrong * 2, `wrong ${wrong.map(Math.round)} ms, unknown ${unknown.map(Math.round)} ms`);
});

test('4. the third failure on one connection closes it with auth_failed', async () => {
  const client = await greeted(open);
  const names = ['frank', 'ghost-a', 'frank'];
  for (let i = 0; i < 3; i++) {
    client.send({ op: 'auth', name: names[i], password: 'not the password', ref: `f${i}` });
    // The third answer is the same as the others, its ref included: a client matching refs is not left waiting.
    assert.equal(await client.next(), { op: 'error', code: 'auth_failed', message: 'wrong name or password', ref: `f${i}` });
    if (i < 2) assert.not.ok(await client.waitClosed(100), `still open after failure ${i + 1}`);
  }
  assert.ok(await client.waitClosed(), 'closed after the third failure');
});

test('4. failures per name are throttled across connections with a growing delay (rate_limited, retry_after_ms)', async () => {
  for (let i = 0; i < 4; i++) {
    const { frame, client } = await attempt('erin', 'guess number one');
    assert.is(frame.code, 'auth_failed', `failure ${i + 1}`);
    client.close();
  }
  // Even the right password is refused while the name is blocked: guessing stays slow.
  const blocked = await attempt('erin', PASSWORD);
  assert.is(blocked.frame.code, 'rate_limited');
  const retry = blocked.frame.retry_after_ms as number;
  assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 1_000, `retry_after_ms ${retry}`);
  // Server choice: rate_limited is not a failure of the connection; it stays open.
  assert.not.ok(await blocked.client.waitClosed(100));
  // Throttling is per name: another operator is not slowed down.
  (await ProtocolClient.login(open.port, 'frank')).close();

  await new Promise((resolve) => setTimeout(resolve, retry + 50));
  blocked.client.send({ op: 'auth', name: 'erin', password: 'guess number five' });
  assert.is((await blocked.client.next()).code, 'auth_failed', 'tried again once the delay passed');
  const longer = await attempt('erin', PASSWORD);
  assert.is(longer.frame.code, 'rate_limited');
  assert.ok((longer.frame.retry_after_ms as number) > 1_000 && (longer.frame.retry_after_ms as number) <= 2_000, `grows: ${longer.frame.retry_after_ms}`);
  blocked.client.close();
  longer.client.close();
});

test('5. before authentication only auth, register, ping and quit: anything else is not_authenticated', async () => {
  const client = await greeted(open);
  for (const frame of [{ op: 'who', ref: 'x1' }, { op: 'send', to: 'bob', body: 'hi', ref: 'x2' }, { op: 'ack', id: 'm-1', ref: 'x3' }]) {
    client.send(frame);
    assert.equal(await client.next(), { op: 'error', code: 'not_authenticated', message: 'authenticate first', ref: frame.ref });
  }
  // Server choice: a known op is refused before its fields are looked at…
  client.send({ op: 'send', ref: 'x4' });
  assert.equal([(await client.next()).code], ['not_authenticated']);
  // …and an unknown op is unknown_op, authenticated or not.
  client.send({ op: 'dance', ref: 'x5' });
  assert.is((await client.next()).code, 'unknown_op');
  client.send({ op: 'ping', ref: 'x6' });
  assert.equal(await client.next(), { op: 'pong', ref: 'x6' });
  client.send({ op: 'quit' });
  assert.equal(await client.next(), { op: 'bye', reason: 'quit' });
  assert.ok(await client.waitClosed());
});

test('5. no authentication within the auth timeout: auth_timeout and closed, pings or not', async () => {
  const started = Date.now();
  const silent = await greeted(closed);
  const chatty = await greeted(closed);
  const pinger = setInterval(() => chatty.send({ op: 'ping' }), 200);
  try {
    for (const client of [silent, chatty]) {
      const error = await client.next('error', 4_000);
      assert.equal([error.code, error.message], ['auth_timeout', 'not authenticated in time']);
      assert.ok(await client.waitClosed());
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 4_000, `after ${elapsed} ms`);
  } finally {
    clearInterval(pinger);
  }
});

test('5. an authenticated connection is not subject to the auth timeout', async () => {
  const alice = await ProtocolClient.login(closed.port, 'alice');
  assert.not.ok(await alice.waitClosed(1_600));
  alice.send({ op: 'ping', ref: 'still' });
  assert.equal(await alice.next('pong'), { op: 'pong', ref: 'still' });
  alice.close();
});

test('6. a second login takes over: bye replaced on the older one, its unacknowledged messages redelivered on the new one', async () => {
  const hank = await ProtocolClient.login(open.port, 'hank');
  const older = await ProtocolClient.login(open.port, 'gina');
  hank.send({ op: 'send', to: 'gina', body: 'first' });
  hank.send({ op: 'send', to: 'gina', body: 'second' });
  assert.equal([(await hank.next('sent')).status, (await hank.next('sent')).status], ['delivered', 'delivered']);
  const [m1, m2] = [await older.next('msg'), await older.next('msg')];
  older.send({ op: 'ack', id: m1.id });
  assert.equal(await hank.next('receipt'), { op: 'receipt', id: m1.id, to: 'gina' });

  const newer = await ProtocolClient.login(open.port, 'gina');
  assert.equal(await older.next(), { op: 'bye', reason: 'replaced' });
  assert.ok(await older.waitClosed());
  assert.equal(newer.received[1], { op: 'welcome', name: 'gina', pending: 1 });
  assert.equal(await newer.next(), { op: 'msg', id: m2.id, from: 'hank', body: 'second', ts: m2.ts, redelivered: true });

  hank.send({ op: 'send', to: 'gina', body: 'third' });
  assert.is((await hank.next('sent')).status, 'delivered');
  assert.equal((await newer.next('msg')).body, 'third');
  newer.send({ op: 'who' });
  assert.equal(await newer.next('online'), { op: 'online', names: ['gina', 'hank'] });
  newer.close();
  hank.close();
});

test('internal: a failure inside the server costs the frame, not the connection, and is logged without the password', async () => {
  const client = await greeted(closed);
  client.send({ op: 'auth', name: 'broken', password: 'the password of broken', ref: 'i' });
  assert.equal(await client.next(), { op: 'error', code: 'internal', message: 'internal error', ref: 'i' });
  client.send({ op: 'auth', name: 'alice', password: PASSWORD });
  assert.equal(await client.next(), { op: 'welcome', name: 'alice', pending: 0 });
  client.close();
  const failures = closed.logs.filter((entry) => entry.event === 'handler_failed');
  assert.ok(failures.some((entry) => entry.op === 'auth'), JSON.stringify(failures));
  assert.not.ok(JSON.stringify(closed.logs).includes('the password of broken'));
});

test('already_authenticated: auth or register on an authenticated connection, not fatal', async () => {
  const ivan = await ProtocolClient.login(open.port, 'ivan');
  ivan.send({ op: 'auth', name: 'ivan', password: PASSWORD, ref: 'again' });
  assert.equal(await ivan.next(), { op: 'error', code: 'already_authenticated', message: 'already authenticated', ref: 'again' });
  ivan.send({ op: 'register', name: 'ivan-two', password: STRONG });
  assert.is((await ivan.next()).code, 'already_authenticated');
  ivan.send({ op: 'auth', name: 'alice', password: PASSWORD });
  assert.is((await ivan.next()).code, 'already_authenticated');
  ivan.send({ op: 'who' });
  assert.ok(((await ivan.next()).names as string[]).includes('ivan'));
  ivan.close();
  // The refused register created nothing.
  const check = await greeted(open);
  check.send({ op: 'register', name: 'ivan-two', password: STRONG });
  assert.is((await check.next()).op, 'welcome');
  check.close();
});

test.run();
