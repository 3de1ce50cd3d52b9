import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runServer } from '../../src/composition/server-lifecycle.ts';
import type { ServerParts } from '../../src/composition/server-lifecycle.ts';
import type { LogFields } from '../../src/ports/logger.ts';

type Step = 'lock' | 'credentials' | 'devices' | 'redis' | 'listen' | 'persistence' | 'expiry' | 'onion';

/** Parts that record each step and its undoing in one list; `failAt` makes that step throw. */
function recordingParts(failAt?: Step, has = { redis: true, onion: true }) {
  const steps: string[] = [];
  const announced: { event: string; fields: LogFields | undefined }[] = [];
  const step = (name: Step) => {
    steps.push(name);
    if (name === failAt) throw new Error(`${name} failed`);
  };
  const undo = (name: string) => async () => void steps.push(`stop ${name}`);
  const parts: ServerParts = {
    lockDataDirectory: () => (step('lock'), { path: '/srv/litsxg', created: false, release: () => void steps.push('stop lock') }),
    openCredentials: async () => (step('credentials'), { close: undo('credentials') }),
    followDevices: async () => (step('devices'), () => void steps.push('stop devices')),
    redis: () => has.redis ? { open: async () => step('redis'), checkPersistence: async () => step('persistence'), close: undo('redis') } : undefined,
    listener: () => ({
      listen: async () => (step('listen'), { address: '127.0.0.1', family: 'IPv4', port: 7777 }),
      close: async (graceMs) => void steps.push(`stop listen (byes, ${graceMs} ms grace)`),
    }),
    startExpiry: () => (step('expiry'), () => void steps.push('stop expiry')),
    lostOnExit: () => (steps.push('count dropped'), { messages: 3, recipients: 2 }),
    onion: () => has.onion ? { publish: async () => (step('onion'), 'abc.onion'), unpublish: undo('onion') } : undefined,
  };
  const logged: { level: string; event: string; fields: LogFields | undefined }[] = [];
  const logger = {
    announce: (_level: string, event: string, fields?: LogFields) => void announced.push({ event, fields }),
    log: (level: string, event: string, fields?: LogFields) => void logged.push({ level, event, fields }),
  };
  return { parts, steps, announced, logged, logger };
}

const OPTIONS = { host: '127.0.0.1', onion: false, registration: 'closed', onionPort: 7770 } as const;

test('starts lock, credentials, devices, Redis, listen, onion; stops byes, onion, Redis, database, lock', async () => {
  const { parts, steps, announced, logger } = recordingParts();
  const server = await runServer(parts, OPTIONS, logger);
  assert.equal(steps, ['lock', 'credentials', 'devices', 'redis', 'listen', 'persistence', 'expiry', 'onion']);
  assert.equal(announced, [
    { event: 'listening', fields: { host: '127.0.0.1', port: 7777, registration: 'closed', data_dir: '/srv/litsxg' } },
    { event: 'onion_published', fields: { address: 'abc.onion', port: 7770 } },
  ]);
  assert.is(server.onion, 'abc.onion');
  assert.is(server.address.port, 7777);
  steps.length = 0;
  await Promise.all([server.stop(), server.stop()]);
  assert.equal(steps, ['stop listen (byes, 2000 ms grace)', 'count dropped', 'stop expiry', 'stop devices', 'stop onion', 'stop redis', 'stop credentials', 'stop lock']);
});

test('without Redis or an onion, those steps are left out', async () => {
  const { parts, steps, logger } = recordingParts(undefined, { redis: false, onion: false });
  const server = await runServer(parts, OPTIONS, logger);
  await server.stop();
  assert.equal(steps, ['lock', 'credentials', 'devices', 'listen', 'expiry', 'stop listen (byes, 2000 ms grace)', 'count dropped', 'stop expiry', 'stop devices', 'stop credentials', 'stop lock']);
  assert.is(server.onion, undefined);
});

test('after listening: a created data dir is reported by its path, then the exposure warnings', async () => {
  const { parts, logged, logger } = recordingParts(undefined, { redis: false, onion: false });
  parts.lockDataDirectory = () => ({ path: '/srv/new', created: true, release: () => undefined });
  const server = await runServer(parts, { ...OPTIONS, host: '0.0.0.0', registration: 'open' }, logger);
  await server.stop();
  assert.equal(logged.map(({ level, event }) => [level, event]), [['info', 'data_dir_created'], ['warn', 'exposed_listener'], ['warn', 'open_registration'], ['warn', 'messages_dropped']]);
  assert.equal(logged[0]!.fields, { path: '/srv/new' });
});

test('once the byes are out, what the buffer drops is logged in one line, counts only; a warning only when something is lost', async () => {
  for (const [lost, level] of [[{ messages: 3, recipients: 2 }, 'warn'], [{ messages: 0, recipients: 0 }, 'info']] as const) {
    const { parts, logged, logger } = recordingParts(undefined, { redis: false, onion: false });
    parts.lostOnExit = () => lost;
    const server = await runServer(parts, OPTIONS, logger);
    assert.equal(logged, []);
    await server.stop();
    assert.equal(logged, [{ level, event: 'messages_dropped', fields: lost }]);
  }
});

test('a buffer that cannot count its losses does not stop the shutdown', async () => {
  const { parts, steps, logged, logger } = recordingParts(undefined, { redis: false, onion: false });
  parts.lostOnExit = () => {
    throw new Error('broken');
  };
  const server = await runServer(parts, OPTIONS, logger);
  await server.stop();
  assert.equal(logged.map(({ event }) => event), ['messages_dropped_uncounted']);
  assert.equal(steps.at(-1), 'stop lock');
});

test('a step that fails releases what had started, in the stopping order, and its error reaches the caller', async () => {
  const expected: Record<Step, string[]> = {
    lock: [],
    credentials: ['stop lock'],
    devices: ['stop credentials', 'stop lock'],
    // Redis is closed even when opening it failed: a half-open connection stops retrying.
    redis: ['stop devices', 'stop redis', 'stop credentials', 'stop lock'],
    listen: ['stop devices', 'stop redis', 'stop credentials', 'stop lock'],
    persistence: ['stop listen (byes, 2000 ms grace)', 'count dropped', 'stop devices', 'stop redis', 'stop credentials', 'stop lock'],
    expiry: ['stop listen (byes, 2000 ms grace)', 'count dropped', 'stop devices', 'stop redis', 'stop credentials', 'stop lock'],
    onion: ['stop listen (byes, 2000 ms grace)', 'count dropped', 'stop expiry', 'stop devices', 'stop redis', 'stop credentials', 'stop lock'],
  };
  for (const [failAt, released] of Object.entries(expected) as [Step, string[]][]) {
    const { parts, steps, logger } = recordingParts(failAt);
    const error = await runServer(parts, OPTIONS, logger).then(() => undefined, (error: Error) => error);
    assert.is(error?.message, `${failAt} failed`);
    assert.equal(steps.slice(steps.indexOf(failAt) + 1), released, `failing at ${failAt}`);
  }
});

test('a stopping step that fails or hangs does not keep the next from running', async () => {
  const { parts, steps, logger } = recordingParts();
  const listener = parts.listener();
  parts.listener = () => ({ ...listener, close: async () => Promise.reject(new Error('socket error')) });
  const onion = parts.onion()!;
  parts.onion = () => ({ ...onion, unpublish: () => new Promise<void>(() => undefined) });
  const server = await runServer(parts, OPTIONS, logger);
  steps.length = 0;
  const started = Date.now();
  // The stop's own timer does not hold the process; a real tor connection would.
  const alive = setTimeout(() => undefined, 5_000);
  await server.stop();
  clearTimeout(alive);
  assert.equal(steps, ['count dropped', 'stop expiry', 'stop devices', 'stop redis', 'stop credentials', 'stop lock']);
  assert.ok(Date.now() - started < 1_500, `tor that never answers holds the stop about a second, took ${Date.now() - started} ms`);
});

test.run();
