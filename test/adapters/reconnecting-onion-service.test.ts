import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Backoff } from '../../src/adapters/tor/backoff.ts';
import { generateOnionClientKey } from '../../src/adapters/tor/onion-client-key.ts';
import { ReconnectingOnionService, type ReconnectingOnionServiceOptions } from '../../src/adapters/tor/reconnecting-onion-service.ts';
import { TorControlConnection } from '../../src/adapters/tor/tor-control-connection.ts';
import { authenticateTorControl } from '../../src/adapters/tor/tor-control-authenticator.ts';
import { startFakeTorControl, type FakeTorControl } from '../support/fake-tor-control.ts';
import { RecordingLogger } from '../support/fakes.ts';
import { freePort } from '../../bench/free-port.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { startTor, type TorProcess } from '../support/tor-process.ts';

const TARGET = { host: '127.0.0.1', port: 7771 };
const it = suite<{ root: string; fakes: FakeTorControl[]; tors: TorProcess[]; services: ReconnectingOnionService[] }>('ReconnectingOnionService');

it.before.each(async (ctx) => {
  ctx.root = await mkdtemp(join(tmpdir(), 'litsxg-heal-'));
  ctx.fakes = [];
  ctx.tors = [];
  ctx.services = [];
});

it.after.each(async (ctx) => {
  await Promise.all(ctx.services.map((service) => service.unpublish().catch(() => undefined)));
  await Promise.all([...ctx.fakes.map((fake) => fake.close()), ...ctx.tors.map((tor) => tor.stop())]);
  await rm(ctx.root, { recursive: true, force: true });
});

/** An offline tor (DisableNetwork 1) whose control port is `port`, with cookie authentication (ready once the cookie is written). */
function offlineTor(dir: string, port: number): Promise<TorProcess> {
  return startTor({
    dataDir: dir,
    torrc: ['DisableNetwork 1', 'SocksPort 0', `ControlPort 127.0.0.1:${port}`, 'CookieAuthentication 1'],
    ready: async () => (await readFile(join(dir, 'control_auth_cookie')).catch(() => undefined)) !== undefined,
    timeoutMs: 30_000,
  });
}

function service(ctx: { root: string; services: ReconnectingOnionService[] }, logger: RecordingLogger, options: Partial<ReconnectingOnionServiceOptions> & { control: string }): ReconnectingOnionService {
  const made = new ReconnectingOnionService({ keyFile: join(ctx.root, 'data', 'onion-key'), logger, ...options });
  ctx.services.push(made);
  return made;
}

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const events = (logger: RecordingLogger, event: string) => logger.entries.filter((entry) => entry.event === event);

it('tor restarted on the same control port (a new cookie): the same onion is published again', async (ctx) => {
  const port = await freePort();
  const dir = join(ctx.root, 'tor');
  ctx.tors.push(await offlineTor(dir, port));
  const logger = new RecordingLogger();
  const onion = service(ctx, logger, { control: `127.0.0.1:${port}`, backoff: new Backoff(100, 400) });
  const address = await onion.publish(TARGET, 7770);
  assert.is(onion.onion, 'up');
  const cookie = await readFile(join(dir, 'control_auth_cookie'));

  await ctx.tors.pop()!.stop();
  await until('onion_lost', () => events(logger, 'onion_lost').length === 1);
  assert.is(onion.onion, 'down');
  assert.is(events(logger, 'onion_lost')[0]?.fields.address, address);
  await new Promise((resolve) => setTimeout(resolve, 600));
  ctx.tors.push(await offlineTor(dir, port));
  assert.not.equal(await readFile(join(dir, 'control_auth_cookie')), cookie);

  await until('onion_restored', () => events(logger, 'onion_restored').length === 1);
  const restored = events(logger, 'onion_restored')[0]!.fields;
  assert.is(restored.address, address);
  assert.ok(Number(restored.downtime_ms) >= 600, `downtime_ms ${restored.downtime_ms}`);
  assert.is(onion.onion, 'up');
  assert.ok(events(logger, 'onion_retry_failed').length >= 1, 'tried while tor was away');
});

it('a control port that refuses for a while: retries back off (no busy loop), nothing throws, then it heals', async (ctx) => {
  const fake = await startFakeTorControl();
  ctx.fakes.push(fake);
  const logger = new RecordingLogger();
  // Full delays (random() = 1): 100, 200, 400, 800, 800… ms.
  const onion = service(ctx, logger, { control: `127.0.0.1:${fake.port}`, backoff: new Backoff(100, 800, () => 1) });
  await onion.publish(TARGET, 7770);
  const port = fake.port;
  await ctx.fakes.pop()!.close(); // drops the connection and refuses new ones
  await until('onion_lost', () => events(logger, 'onion_lost').length === 1);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  // 100 + 200 + 400 + 800 ms: four tries in two seconds, each waiting twice as long, up to the cap.
  const waits = events(logger, 'onion_retry_failed').map((entry) => Number(entry.fields.waited_ms));
  assert.equal(waits, [100, 200, 400, 800]);
  assert.match(String(events(logger, 'onion_retry_failed')[0]?.fields.reason), 'ECONNREFUSED');
  assert.is(onion.onion, 'down');

  ctx.fakes.push(await startFakeTorControl(undefined, port));
  await until('onion_restored', () => events(logger, 'onion_restored').length === 1, 5_000);
  assert.is(onion.onion, 'up');
});

it('--onion-down-exit: gives up once the onion has been down that long, not before', async (ctx) => {
  const fake = await startFakeTorControl();
  ctx.fakes.push(fake);
  let gaveUpAt: number | undefined;
  const logger = new RecordingLogger();
  const onion = service(ctx, logger, {
    control: `127.0.0.1:${fake.port}`, backoff: new Backoff(50, 50), giveUpAfterMs: 400, onGiveUp: () => { gaveUpAt = Date.now(); },
  });
  await onion.publish(TARGET, 7770);
  await ctx.fakes.pop()!.close();
  const lostAt = Date.now();
  await until('the give-up', () => gaveUpAt !== undefined, 3_000);
  assert.ok(gaveUpAt! - lostAt >= 350, `gave up after ${gaveUpAt! - lostAt} ms`);
});

it('a tor that refuses the PoW keywords: published without them, logged once across reconnections', async (ctx) => {
  const fake = await startFakeTorControl((command) =>
    command.includes('PoWDefensesEnabled') ? ['512 Bad arguments to ADD_ONION: Unrecognized keyword argument "PoWDefensesEnabled"'] : undefined);
  ctx.fakes.push(fake);
  const logger = new RecordingLogger();
  const onion = service(ctx, logger, {
    control: `127.0.0.1:${fake.port}`, backoff: new Backoff(50, 50), protections: { pow: { queueRate: 250, queueBurst: 2500 }, maxStreams: 32 },
  });
  await onion.publish(TARGET, 7770);
  assert.is(onion.pow, false);
  fake.dropConnections();
  await until('onion_restored', () => events(logger, 'onion_restored').length === 1);
  const adds = fake.commands.filter((command) => command.startsWith('ADD_ONION'));
  assert.is(adds.length, 3);
  assert.match(adds[0]!, 'PoWDefensesEnabled=1 PoWQueueRate=250 PoWQueueBurst=2500');
  assert.not.match(adds[1]!, 'PoW');
  assert.not.match(adds[2]!, 'PoW');
  assert.match(adds[2]!, 'Flags=MaxStreamsCloseCircuit MaxStreams=32');
  assert.is(events(logger, 'onion_pow_unsupported').length, 1);
});

it('a real tor accepts PoW, MaxStreams and V3Auth; a changed key list keeps the address', async (ctx) => {
  const port = await freePort();
  ctx.tors.push(await offlineTor(join(ctx.root, 'tor'), port));
  const keys = [generateOnionClientKey().publicKey];
  const logger = new RecordingLogger();
  const onion = service(ctx, logger, {
    control: `127.0.0.1:${port}`, protections: { pow: { queueRate: 250, queueBurst: 2500 }, maxStreams: 32 },
    clientAuthKeys: async () => keys, clientAuthPollMs: 50,
  });
  const address = await onion.publish(TARGET, 7770);
  assert.is(onion.pow, true, 'tor 0.4.9 accepts PoWDefensesEnabled');
  keys.push(generateOnionClientKey().publicKey);
  await until('onion_clients_changed', () => events(logger, 'onion_clients_changed').length === 1);
  assert.is(events(logger, 'onion_clients_changed')[0]?.fields.clients, 2);
  assert.ok(await served(port, join(ctx.root, 'data', 'onion-key')), `${address} still served`);
  assert.is(onion.onion, 'up');
});

it('a key list tor refuses: the previous list stays published, logged once; a malformed key never reaches tor', async (ctx) => {
  const fake = await startFakeTorControl((command) =>
    command.startsWith('ADD_ONION') && command.split('ClientAuthV3=').length > 2 ? ['512 Cannot decode v3 client auth key'] : undefined);
  ctx.fakes.push(fake);
  const first = generateOnionClientKey().publicKey;
  let keys = [first];
  const logger = new RecordingLogger();
  const onion = service(ctx, logger, { control: `127.0.0.1:${fake.port}`, clientAuthKeys: async () => keys, clientAuthPollMs: 50 });
  await onion.publish(TARGET, 7770);
  keys = [first, generateOnionClientKey().publicKey];
  await until('onion_clients_refused', () => events(logger, 'onion_clients_refused').length === 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.is(events(logger, 'onion_clients_refused').length, 1, 'not retried while the list is the same');
  assert.match(String(events(logger, 'onion_clients_refused')[0]?.fields.reason), 'Cannot decode');
  const adds = fake.commands.filter((command) => command.startsWith('ADD_ONION'));
  assert.is(adds.at(-1)?.split('ClientAuthV3=').length, 2, 'the last ADD_ONION carries the previous single key');
  assert.is(onion.onion, 'up');

  const sent = fake.commands.length;
  keys = ['not-a-key'];
  await until('the malformed list refused', () => events(logger, 'onion_clients_refused').length === 2);
  assert.match(String(events(logger, 'onion_clients_refused')[1]?.fields.reason), 'not a base32 x25519 key');
  assert.equal(fake.commands.slice(sent), [], 'nothing sent to tor');
});

it('a slow tor: one key-list change at a time, however often the list is polled', async (ctx) => {
  const fake = await startFakeTorControl((command) =>
    command.startsWith('DEL_ONION') ? new Promise((resolve) => setTimeout(() => resolve(['250 OK']), 300)) : undefined);
  ctx.fakes.push(fake);
  let keys = [generateOnionClientKey().publicKey];
  const logger = new RecordingLogger();
  const onion = service(ctx, logger, { control: `127.0.0.1:${fake.port}`, clientAuthKeys: async () => keys, clientAuthPollMs: 10 });
  await onion.publish(TARGET, 7770);
  keys = [...keys, generateOnionClientKey().publicKey];
  await until('onion_clients_changed', () => events(logger, 'onion_clients_changed').length === 1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.is(fake.commands.filter((command) => command.startsWith('DEL_ONION')).length, 1);
  assert.is(events(logger, 'onion_clients_changed').length, 1);
});

/** Whether tor serves the onion of this key: adding it again collides while it does. */
async function served(port: number, keyFile: string): Promise<boolean> {
  const conn = await TorControlConnection.open({ host: '127.0.0.1', port }, 'probe', 5000);
  try {
    await authenticateTorControl(conn, undefined);
    const reply = await conn.command(`ADD_ONION ${(await readFile(keyFile, 'utf8')).trim()} Port=1,127.0.0.1:1`);
    return reply.status !== 250;
  } finally {
    await conn.close();
  }
}

runUnlessMissing(it, commandMissing('tor'));
