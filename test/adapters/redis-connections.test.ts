import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RedisConnections, RedisUnavailableError } from '../../src/adapters/redis/redis-connections.ts';
import { RecordingLogger } from '../support/fakes.ts';
import { freePort } from '../../bench/free-port.ts';
import { redisServerMissing, startRedisServer } from '../support/redis-server.ts';
import { runUnlessMissing } from '../support/missing-service.ts';

async function persistenceEvents(serverArgs: readonly string[]): Promise<string[]> {
  const server = await startRedisServer(serverArgs);
  const logger = new RecordingLogger();
  const connections = new RedisConnections(server.url, logger);
  try {
    await connections.open();
    await connections.checkPersistence();
    return logger.entries.filter((entry) => entry.level === 'warn').map((entry) => entry.event);
  } finally {
    await connections.close();
    await server.stop();
  }
}

test('warns when Redis snapshots to disk', async () => {
  assert.equal(await persistenceEvents(['--save', '3600 1']), ['redis_persists']);
});

test('warns when Redis keeps an append-only file', async () => {
  assert.equal(await persistenceEvents(['--appendonly', 'yes']), ['redis_persists']);
});

test('says nothing of a Redis run as docs/scaling.md says', async () => {
  assert.equal(await persistenceEvents([]), []);
});

test('an unreachable Redis fails the start at once, with RedisUnavailableError', async () => {
  const connections = new RedisConnections(`redis://127.0.0.1:${await freePort()}`, new RecordingLogger());
  const started = Date.now();
  try {
    await connections.open();
    assert.unreachable('connected to nothing');
  } catch (error) {
    assert.instance(error, RedisUnavailableError);
  }
  assert.ok(Date.now() - started < 3_000);
});

const missing = redisServerMissing();
runUnlessMissing(test, missing);
