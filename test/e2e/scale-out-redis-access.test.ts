import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../bench/free-port.ts';
import { runUnlessMissing } from '../support/missing-service.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { redisServerMissing, startRedisServer } from '../support/redis-server.ts';
import type { RedisServer } from '../support/redis-server.ts';
import { runLitsxg } from '../support/run-litsxg.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

const PASSWORD = 'redis-pass-4b7e';
const ACL_PASSWORD = 'acl-pass-91c2';

interface Context {
  redis: RedisServer;
}

const it = suite<Context>('Redis as operators run it: a password, an ACL user, TLS');

it.before(async (context) => {
  context.redis = await startRedisServer(['--requirepass', PASSWORD, '--user', 'litsxg', 'on', `>${ACL_PASSWORD}`, '~*', '&*', '+@all']);
});
it.after(async ({ redis }) => {
  await redis.stop();
});

/** Starts `serve --buffer redis` on `url`, routes alice → bob through it, stops it. */
async function routesThrough(url: string, env: Record<string, string> = {}): Promise<void> {
  const server = await startServer({ operators: ['alice', 'bob'], args: ['--buffer', 'redis', '--redis-url', url], env });
  const clients: ProtocolClient[] = [];
  try {
    const bob = await ProtocolClient.login(server.port, 'bob');
    const alice = await ProtocolClient.login(server.port, 'alice');
    clients.push(alice, bob);
    alice.send({ op: 'send', to: 'bob', body: 'through an authenticated Redis' });
    const sent = await alice.next('sent');
    const msg = await bob.next('msg');
    assert.equal([msg.id, msg.body], [sent.id, 'through an authenticated Redis']);
    // Acknowledged, so the queue in Redis is empty for the next server on it.
    bob.send({ op: 'ack', id: msg.id });
    assert.is((await alice.next('receipt')).id, sent.id);
  } finally {
    for (const client of clients) client.close();
    assert.is(await server.stop(), 0);
  }
}

/** Runs `serve` on `url` until it gives up: one line, exit status 7. */
async function refused(url: string, env: Record<string, string> = {}): Promise<string> {
  const dir = tempDir();
  try {
    const result = await runLitsxg(['serve', '--port', '0', '--data-dir', dir.path, '--buffer', 'redis', '--redis-url', url], { env, timeoutMs: 30_000 });
    assert.is(result.status, 7, result.stderr);
    const lines = result.stderr.trim().split('\n');
    assert.is(lines.length, 1, result.stderr);
    const entry = JSON.parse(lines[0]!) as { event: string; reason: string };
    assert.is(entry.event, 'redis_unusable');
    return entry.reason;
  } finally {
    dir.remove();
  }
}

it('the password in the URL (redis://:password@host) and an ACL user (redis://user:password@host) both work', async ({ redis }) => {
  await routesThrough(`redis://:${PASSWORD}@127.0.0.1:${redis.port}`);
  await routesThrough(`redis://litsxg:${ACL_PASSWORD}@127.0.0.1:${redis.port}/0`);
});

it('a wrong or missing password: one line naming the URL without the password, and the cause; exit 7', async ({ redis }) => {
  const wrong = await refused(`redis://litsxg:not-the-password@127.0.0.1:${redis.port}`);
  assert.is(wrong, `cannot use Redis at redis://litsxg@127.0.0.1:${redis.port}: WRONGPASS invalid username-password pair or user is disabled.`);
  assert.match(await refused(`redis://127.0.0.1:${redis.port}`), /^cannot use Redis at redis:\/\/127\.0\.0\.1:\d+: NOAUTH /);
});

it('a Redis that is not there: the URL and ECONNREFUSED, exit 7', async () => {
  const port = await freePort();
  assert.is(await refused(`redis://:${PASSWORD}@127.0.0.1:${port}`), `cannot use Redis at redis://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`);
});

it('TLS (rediss://) with a private CA given by NODE_EXTRA_CA_CERTS; without the CA, the TLS cause and exit 7', async () => {
  const dir = tempDir();
  const tlsPort = await freePort();
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir.path, stdio: 'ignore' });
  writeFileSync(join(dir.path, 'san.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=litsxg test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'redis.key', '-out', 'redis.csr', '-subj', '/CN=127.0.0.1');
  openssl('x509', '-req', '-in', 'redis.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'redis.pem', '-days', '1',
    '-extfile', join(dir.path, 'san.cnf'));
  const server = spawn('redis-server', ['--port', '0', '--tls-port', String(tlsPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--tls-cert-file', join(dir.path, 'redis.pem'), '--tls-key-file', join(dir.path, 'redis.key'), '--tls-ca-cert-file', join(dir.path, 'ca.pem'),
    '--tls-auth-clients', 'no', '--requirepass', PASSWORD], { stdio: 'ignore' });
  try {
    const probe = new Redis({ host: '127.0.0.1', port: tlsPort, password: PASSWORD, tls: { ca: readFileSync(join(dir.path, 'ca.pem')) }, retryStrategy: () => 50 });
    probe.on('error', () => undefined);
    assert.is(await probe.ping(), 'PONG', 'redis-server answers on its TLS port');
    await probe.quit();
    const url = `rediss://:${PASSWORD}@127.0.0.1:${tlsPort}`;
    await routesThrough(url, { NODE_EXTRA_CA_CERTS: join(dir.path, 'ca.pem') });
    assert.match(await refused(url), /^cannot use Redis at rediss:\/\/127\.0\.0\.1:\d+: self[- ]signed certificate/);
  } finally {
    server.kill('SIGKILL');
    dir.remove();
  }
});

runUnlessMissing(it, redisServerMissing());
