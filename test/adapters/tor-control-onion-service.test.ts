import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TorControlConnection } from '../../src/adapters/tor/tor-control-connection.ts';
import { authenticateTorControl } from '../../src/adapters/tor/tor-control-authenticator.ts';
import { TorControlError } from '../../src/adapters/tor/tor-control-error.ts';
import { TorControlOnionService } from '../../src/adapters/tor/tor-control-onion-service.ts';
import { hashTorPassword, startTor, writtenPort, type TorProcess } from '../support/tor-process.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';

const PASSWORD = 'control-password-for-tests';
const ONION = /^[a-z2-7]{56}\.onion$/;
const TARGET = { host: '127.0.0.1', port: 7771 };

interface Context {
  root: string;
  cookieTor: TorProcess;
  cookiePort: number;
  passwordTor: TorProcess;
  passwordPort: number;
}
const it = suite<Context>('TorControlOnionService against a real tor (DisableNetwork 1)');

async function offlineTor(dir: string, auth: readonly string[]): Promise<{ tor: TorProcess; port: number }> {
  const portFile = join(dir, 'control-port');
  let port: number | undefined;
  const tor = await startTor({
    dataDir: dir,
    torrc: ['DisableNetwork 1', 'SocksPort 0', 'ControlPort 127.0.0.1:auto', `ControlPortWriteToFile ${portFile}`,
      `ControlSocket ${join(dir, 'control.sock')}`, 'ControlSocketsGroupWritable 0', ...auth],
    ready: async () => (port = await writtenPort(portFile)) !== undefined,
    timeoutMs: 30_000,
  });
  return { tor, port: port ?? 0 };
}

it.before(async (ctx) => {
  ctx.root = await mkdtemp(join(tmpdir(), 'litsxg-tor-'));
  const [cookie, password] = await Promise.all([
    offlineTor(join(ctx.root, 'cookie'), ['CookieAuthentication 1']),
    hashTorPassword(PASSWORD).then((hash) => offlineTor(join(ctx.root, 'password'), [`HashedControlPassword ${hash}`])),
  ]);
  ctx.cookieTor = cookie.tor;
  ctx.cookiePort = cookie.port;
  ctx.passwordTor = password.tor;
  ctx.passwordPort = password.port;
});

it.after(async (ctx) => {
  await Promise.all([ctx.cookieTor?.stop(), ctx.passwordTor?.stop()]);
  await rm(ctx.root, { recursive: true, force: true });
});

/** Whether tor currently serves this key: a second ADD_ONION of it collides while it does. */
async function keyInUse(port: number, keyFile: string): Promise<boolean> {
  const key = (await readFile(keyFile, 'utf8')).trim();
  const conn = await TorControlConnection.open({ host: '127.0.0.1', port }, 'probe', 5000);
  try {
    await authenticateTorControl(conn, PASSWORD);
    const reply = await conn.command(`ADD_ONION ${key} Port=1,127.0.0.1:1`);
    return reply.status !== 250;
  } finally {
    await conn.close();
  }
}

async function rejection(promise: Promise<unknown>): Promise<TorControlError> {
  try {
    await promise;
  } catch (error) {
    assert.instance(error, TorControlError);
    return error as TorControlError;
  }
  throw new Error('expected a TorControlError');
}

it('publishes with cookie auth, keeps the key 0600, and has the same address after a restart', async ({ root, cookiePort }) => {
  const keyFile = join(root, 'data-cookie', 'onion-key');
  const first = new TorControlOnionService({ control: `127.0.0.1:${cookiePort}`, keyFile });
  const address = await first.publish(TARGET, 7770);
  assert.match(address, ONION);
  assert.is((await stat(keyFile)).mode & 0o777, 0o600);
  assert.match(await readFile(keyFile, 'utf8'), /^ED25519-V3:/);
  await first.unpublish();

  const second = new TorControlOnionService({ control: `127.0.0.1:${cookiePort}`, keyFile });
  assert.is(await second.publish(TARGET, 7770), address);
  await second.unpublish();
});

it('authenticates over the unix control socket too', async ({ root, cookieTor }) => {
  const service = new TorControlOnionService({ control: join(cookieTor.dataDir, 'control.sock'), keyFile: join(root, 'data-unix', 'onion-key') });
  assert.match(await service.publish(TARGET, 7770), ONION);
  await service.unpublish();
});

it('publishes with a hashed password, and DEL_ONION frees the key on unpublish', async ({ root, passwordPort }) => {
  const keyFile = join(root, 'data-password', 'onion-key');
  const service = new TorControlOnionService({ control: `127.0.0.1:${passwordPort}`, password: PASSWORD, keyFile });
  assert.match(await service.publish(TARGET, 7770), ONION);
  assert.ok(await keyInUse(passwordPort, keyFile), 'tor serves the onion while published');
  await service.unpublish();
  assert.not.ok(await keyInUse(passwordPort, keyFile), 'tor no longer serves it after unpublish');
  await service.unpublish(); // a second call is harmless
});

it('refuses a wrong or missing password with auth_failed, and writes no key', async ({ root, passwordPort }) => {
  const keyFile = join(root, 'data-wrong', 'onion-key');
  const wrong = await rejection(new TorControlOnionService({ control: `127.0.0.1:${passwordPort}`, password: 'not the password', keyFile }).publish(TARGET, 7770));
  assert.is(wrong.reason, 'auth_failed');
  assert.not.match(wrong.message, 'not the password');
  const missing = await rejection(new TorControlOnionService({ control: `127.0.0.1:${passwordPort}`, keyFile }).publish(TARGET, 7770));
  assert.is(missing.reason, 'auth_failed');
  assert.match(missing.message, '--tor-password');
  assert.is(await stat(keyFile).catch(() => undefined), undefined);
});

it('is unreachable when nothing listens on the control port or socket', async ({ root }) => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise((resolve) => closed.close(resolve));
  const keyFile = join(root, 'data-unreachable', 'onion-key');
  const tcp = await rejection(new TorControlOnionService({ control: `127.0.0.1:${port}`, keyFile }).publish(TARGET, 7770));
  assert.is(tcp.reason, 'unreachable');
  assert.match(tcp.message, `127.0.0.1:${port}`);
  const unix = await rejection(new TorControlOnionService({ control: join(root, 'no-such.sock'), keyFile }).publish(TARGET, 7770));
  assert.is(unix.reason, 'unreachable');
});

it('reports tor refusing ADD_ONION (the same key already published) as refused', async ({ root, cookiePort }) => {
  const keyFile = join(root, 'data-twice', 'onion-key');
  const first = new TorControlOnionService({ control: `127.0.0.1:${cookiePort}`, keyFile });
  await first.publish(TARGET, 7770);
  const error = await rejection(new TorControlOnionService({ control: `127.0.0.1:${cookiePort}`, keyFile }).publish(TARGET, 7770));
  assert.is(error.reason, 'refused');
  assert.match(error.message, 'ADD_ONION');
  await first.unpublish();
});

it('tells onLost when tor goes away while published', async ({ root }) => {
  const { tor, port } = await offlineTor(join(root, 'doomed'), ['CookieAuthentication 1']);
  let lost: TorControlError | undefined;
  const service = new TorControlOnionService({ control: `127.0.0.1:${port}`, keyFile: join(root, 'data-doomed', 'onion-key'), onLost: (e) => { lost = e; } });
  await service.publish(TARGET, 7770);
  await tor.stop();
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.is(lost?.reason, 'closed');
  await service.unpublish();
});

runUnlessMissing(it, commandMissing('tor'));
