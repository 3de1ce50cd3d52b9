import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolClient } from '../support/protocol-client.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServers, stopServers } from '../support/server-process.ts';

// PROTOCOL "Other frames" (who, ping, quit, idle timeout, shutdown) and the connection limit.
/** Idle timeout of one second. */
let lively: RunningServer;
/** Two connections at most; shut down by a test. */
let small: RunningServer;

test.before(async () => {
  [lively, small] = await startServers([
    { operators: ['amy', 'mia', 'zed', 'quinn', 'idler'], args: ['--idle-timeout', '1'] },
    { operators: ['amy'], args: ['--max-connections', '2'] },
  ]) as [RunningServer, RunningServer];
});

test.after(async () => {
  for (const status of await stopServers([lively, small])) assert.is(status, 0);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function greeted(server: RunningServer): Promise<ProtocolClient> {
  const client = await ProtocolClient.connect(server.port);
  await client.next('hello');
  return client;
}

/** A greeted connection, once the server has seen earlier ones close and has room again. */
async function whenThereIsRoom(server: RunningServer): Promise<ProtocolClient> {
  for (let i = 0; ; i++) {
    const client = await ProtocolClient.connect(server.port);
    if ((await client.next()).op === 'hello') return client;
    client.close();
    if (i === 100) throw new Error('no room on the server');
    await sleep(20);
  }
}

test('who: the authenticated operators, the asker included, sorted', async () => {
  const zed = await ProtocolClient.login(lively.port, 'zed');
  const amy = await ProtocolClient.login(lively.port, 'amy');
  const mia = await ProtocolClient.login(lively.port, 'mia');
  const anonymous = await greeted(lively);
  mia.send({ op: 'who' });
  assert.equal(await mia.next(), { op: 'online', names: ['amy', 'mia', 'zed'] });
  zed.close();
  let names: unknown;
  for (let i = 0; i < 50; i++) {
    amy.send({ op: 'who', ref: 'w' });
    const online = await amy.next();
    assert.is(online.op, 'online');
    // Server choice: `online` echoes no ref.
    names = online.names;
    if (!(names as string[]).includes('zed')) break;
    await sleep(10);
  }
  assert.equal(names, ['amy', 'mia'], 'a closed connection leaves the list');
  for (const client of [amy, mia, anonymous]) client.close();
});

test('ping: pong with the ref when there is one, without when not, before and after authentication', async () => {
  const anonymous = await greeted(lively);
  anonymous.send({ op: 'ping', ref: 'p-1' });
  assert.equal(await anonymous.next(), { op: 'pong', ref: 'p-1' });
  anonymous.send({ op: 'ping' });
  assert.equal(await anonymous.next(), { op: 'pong' });
  const quinn = await ProtocolClient.login(lively.port, 'quinn');
  quinn.send({ op: 'ping', ref: 'p-2' });
  assert.equal(await quinn.next(), { op: 'pong', ref: 'p-2' });
  quinn.send({ op: 'ping' });
  assert.equal(await quinn.next(), { op: 'pong' });
  anonymous.close();
  quinn.close();
});

test('quit: bye quit, then the server closes the connection', async () => {
  const quinn = await ProtocolClient.login(lively.port, 'quinn');
  quinn.send({ op: 'quit', ref: 'q' });
  assert.equal(await quinn.next(), { op: 'bye', reason: 'quit' });
  assert.ok(await quinn.waitClosed(), 'closed by the server');
  assert.equal(quinn.received.slice(3), [], 'nothing after bye');
});

test('idle timeout: any frame resets the timer; an authenticated connection idle past it gets idle_timeout and is closed', async () => {
  const idler = await ProtocolClient.login(lively.port, 'idler');
  const anonymous = await greeted(lively);
  for (let i = 0; i < 9; i++) {
    await sleep(200);
    idler.send(i % 2 === 0 ? { op: 'ping' } : { op: 'who' });
  }
  assert.not.ok(idler.closed, 'kept alive by its frames for 1.8 s');
  const quiet = Date.now();
  const error = await idler.next('error', 4_000);
  const after = Date.now() - quiet;
  assert.equal([error.code, error.message], ['idle_timeout', 'idle for too long']);
  assert.ok(after >= 900 && after < 3_000, `after ${after} ms of silence`);
  assert.ok(await idler.waitClosed());
  // Only authenticated connections are idle-checked; this one waits for its auth timeout (10 s).
  assert.not.ok(anonymous.closed, 'an unauthenticated connection is not idle-timed out');
  anonymous.send({ op: 'ping', ref: 'still' });
  assert.equal(await anonymous.next('pong'), { op: 'pong', ref: 'still' });
  anonymous.close();
});

test('server_busy: past --max-connections the refused connection gets server_busy instead of hello and is closed', async () => {
  const amy = await ProtocolClient.login(small.port, 'amy');
  const anonymous = await greeted(small);
  const refused = await ProtocolClient.connect(small.port);
  assert.equal(await refused.next(), { op: 'error', code: 'server_busy', message: 'connection limit reached, try again later' });
  assert.ok(await refused.waitClosed());
  assert.equal(refused.received.length, 1);
  // The limit counts open connections: once one closes, a new one is welcome.
  anonymous.close();
  const next = await whenThereIsRoom(small);
  assert.equal(next.received[0]?.op, 'hello');
  next.close();
  amy.close();
});

test('SIGTERM: every connection, authenticated or not, gets bye shutdown; the process exits 0 within 5 s', async () => {
  const amy = await whenThereIsRoom(small);
  amy.send({ op: 'auth', name: 'amy', password: PASSWORD });
  assert.is((await amy.next()).op, 'welcome');
  const anonymous = await whenThereIsRoom(small);
  const started = Date.now();
  const status = small.stop();
  for (const client of [amy, anonymous]) {
    assert.equal(await client.next(), { op: 'bye', reason: 'shutdown' });
    assert.ok(await client.waitClosed());
  }
  assert.is(await status, 0);
  assert.ok(Date.now() - started < 5_000, `exited after ${Date.now() - started} ms`);
  assert.equal(small.logs.filter((entry) => entry.event === 'shutting_down').map((entry) => entry.signal), ['SIGTERM']);
});

test('SIGINT: the same shutdown', async () => {
  const mia = await ProtocolClient.login(lively.port, 'mia');
  const started = Date.now();
  const exited = new Promise<number | null>((resolve) => lively.process.once('exit', resolve));
  lively.process.kill('SIGINT');
  assert.equal(await mia.next(), { op: 'bye', reason: 'shutdown' });
  assert.ok(await mia.waitClosed());
  assert.is(await exited, 0);
  assert.ok(Date.now() - started < 5_000);
  assert.equal(lively.logs.filter((entry) => entry.event === 'shutting_down').map((entry) => entry.signal), ['SIGINT']);
});

test.run();
