import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freePort } from '../../bench/free-port.ts';
import { ProtocolClient } from '../support/protocol-client.ts';
import { assertOneLineFailure, runLitsxg } from '../support/run-litsxg.ts';
import type { RunningServer } from '../support/server-process.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

// PROTOCOL "Command line" and "What the server never does", through bin/litsxg.
const temp = tempDir();
/** Created by the server itself, two levels down. */
const dataDir = join(temp.path, 'nested', 'data');
const FIRST = 'first password of dave';
const SECOND = 'second password of dave';
const SECRETS = {
  registered: 'registration password 7f3a',
  wrong: 'wrong password guess 91c2',
  body: 'confidential body e5d1',
  refusedBody: 'unroutable body 0b8e',
  tooLarge: `oversized body 44aa ${'x'.repeat(16_384)}`,
};
let server: RunningServer;
/** Holds the port LITSXG_PORT names, so the server can only start if the --port flag wins. */
let blocker: Server;

test.before(async () => {
  blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const envPort = String((blocker.address() as { port: number }).port);
  server = await startServer({ dataDir, env: { LITSXG_PORT: envPort, LITSXG_REGISTRATION: 'open', LITSXG_LOG_LEVEL: 'debug' } });
});

test.after(async () => {
  await server?.stop();
  blocker?.close();
  temp.remove();
});

async function authAnswer(name: string, password: string): Promise<string> {
  const client = await ProtocolClient.connect(server.port);
  await client.next('hello');
  client.send({ op: 'auth', name, password });
  const answer = await client.next();
  client.close();
  return answer.op === 'error' ? String(answer.code) : String(answer.op);
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

test('serve: LITSXG_ variables apply, a flag wins over them, and the first log line has the real port', async () => {
  const first = server.logs[0]!;
  assert.equal([first.event, first.host], ['listening', '127.0.0.1']);
  assert.is(first.port, server.port);
  assert.ok(server.port > 0 && server.port !== (blocker.address() as { port: number }).port, '--port 0 beat LITSXG_PORT');
  const client = await ProtocolClient.connect(server.port);
  assert.is((await client.next()).registration, 'open', 'LITSXG_REGISTRATION=open');
  client.close();
  assert.ok(server.logs.every((entry) => typeof entry.event === 'string'), 'every line is JSON with an event');
});

test('serve listens on 127.0.0.1 only by default', async () => {
  const hexPort = server.port.toString(16).toUpperCase().padStart(4, '0');
  const listening = (file: string) =>
    readFileSync(file, 'utf8').split('\n').slice(1).map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A').map((fields) => fields[1]);
  assert.equal(listening('/proc/net/tcp'), [`0100007F:${hexPort}`]);
  assert.equal(listening('/proc/net/tcp6'), []);
  const outside = Object.values(networkInterfaces()).flat().find((address) => address?.family === 'IPv4' && !address.internal);
  if (outside !== undefined) {
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const socket = connect({ host: outside!.address, port: server.port }, () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once('error', resolve);
    });
    assert.is(error?.code, 'ECONNREFUSED', `not reachable on ${outside.address}`);
  }
});

test('data dir: created 0700; the database, its WAL and the lock are 0600', async () => {
  const client = await ProtocolClient.connect(server.port);
  await client.next('hello');
  client.send({ op: 'register', name: 'carol', password: SECRETS.registered });
  assert.is((await client.next()).op, 'welcome');
  client.close();
  assert.is(mode(dataDir), 0o700);
  const files = readdirSync(dataDir);
  for (const expected of ['credentials.sqlite', 'credentials.sqlite-wal', 'litsxg.lock']) assert.ok(files.includes(expected), `${expected} in ${files}`);
  for (const file of files) assert.is(mode(join(dataDir, file)), 0o600, file);
});

test('operator add: password from stdin, exit 0, and the running server accepts it at the next authentication', async () => {
  assert.is(await authAnswer('dave', FIRST), 'auth_failed');
  const added = await runLitsxg(['operator', 'add', 'dave', '--data-dir', dataDir], { input: `${FIRST}\n` });
  assert.equal([added.status, added.stdout, added.stderr], [0, 'added dave\n', '']);
  assert.is(await authAnswer('dave', FIRST), 'welcome');
});

test('operator: exit 1 with a one-line reason for an existing, invalid or unknown name and a weak password', async () => {
  const fresh = join(temp.path, 'fresh');
  const [existing, invalid, weak, unknown] = await Promise.all([
    runLitsxg(['operator', 'add', 'dave', '--data-dir', dataDir], { input: `${FIRST}\n` }),
    runLitsxg(['operator', 'add', 'Not-A-Name', '--data-dir', fresh], { input: `${FIRST}\n` }),
    // Nine code points (36 bytes): weak, the rule counts characters.
    runLitsxg(['operator', 'add', 'erin', '--data-dir', dataDir], { input: '😀😀😀😀😀😀😀😀😀\n' }),
    runLitsxg(['operator', 'remove', 'ghost', '--data-dir', dataDir]),
  ]);
  assertOneLineFailure(existing, 1, /already exists/);
  assertOneLineFailure(invalid, 1, /invalid operator name/);
  assertOneLineFailure(weak, 1, /weak password/);
  assertOneLineFailure(unknown, 1, /no operator named ghost/);
  assert.is(await authAnswer('erin', '😀😀😀😀😀😀😀😀😀'), 'auth_failed', 'the weak password was not set');
  assert.not.ok(existsSync(fresh), 'a refused name touches no data directory');
});

test('operator add makes a missing data dir as the server does, and says which absolute path it created', async () => {
  const fresh = join(temp.path, 'fresh-add');
  const added = await runLitsxg(['operator', 'add', 'fred', '--data-dir', fresh], { input: `${FIRST}\n` });
  assert.equal([added.status, added.stdout, added.stderr], [0, 'added fred\n', `litsxg operator: created data directory ${fresh}\n`]);
  assert.is(mode(fresh), 0o700);
  for (const file of readdirSync(fresh)) assert.is(mode(join(fresh, file)), 0o600, file);
  const again = await runLitsxg(['operator', 'add', 'gail', '--data-dir', fresh], { input: `${FIRST}\n` });
  assert.equal([again.status, again.stderr], [0, ''], 'an existing data dir is not announced');
});

test('operator list, passwd and remove refuse a data dir that does not exist, naming its absolute path (exit 1)', async () => {
  const elsewhere = join(temp.path, 'elsewhere');
  mkdirSync(elsewhere);
  const results = await Promise.all([
    runLitsxg(['operator', 'list'], { cwd: elsewhere }),
    runLitsxg(['operator', 'passwd', 'dave'], { cwd: elsewhere, input: `${FIRST}\n` }),
    runLitsxg(['operator', 'remove', 'dave', '--data-dir', 'typo'], { cwd: elsewhere }),
  ]);
  const missing = [join(elsewhere, 'data'), join(elsewhere, 'data'), join(elsewhere, 'typo')];
  results.forEach((result, i) => assertOneLineFailure(result, 1, new RegExp(`^litsxg operator: no data directory at ${missing[i]} `)));
  assert.equal(readdirSync(elsewhere), [], 'nothing was created');
});

test('operator add: an empty password is called empty', async () => {
  const empty = await runLitsxg(['operator', 'add', 'hank', '--data-dir', dataDir], { input: '\n' });
  assertOneLineFailure(empty, 1, /^litsxg operator: empty password/);
});

test('operator passwd and remove take effect at the running server', async () => {
  const changed = await runLitsxg(['operator', 'passwd', 'dave', '--data-dir', dataDir], { input: `${SECOND}\n` });
  assert.equal([changed.status, changed.stdout], [0, 'password changed for dave\n']);
  assert.equal([await authAnswer('dave', FIRST), await authAnswer('dave', SECOND)], ['auth_failed', 'welcome']);
  const removed = await runLitsxg(['operator', 'remove', 'dave', '--data-dir', dataDir]);
  assert.equal([removed.status, removed.stdout], [0, 'removed dave\n']);
  assert.is(await authAnswer('dave', SECOND), 'auth_failed');
});

test('serve: an unknown option or a bad value is one line on stderr and exit 2, before anything listens', async () => {
  const nowhere = join(temp.path, 'never-created');
  const results = await Promise.all([
    runLitsxg(['serve', '--bogus', '--data-dir', nowhere]),
    runLitsxg(['serve', '--port', '70000', '--data-dir', nowhere]),
    runLitsxg(['serve', '--data-dir', nowhere], { env: { LITSXG_IDLE_TIMEOUT: 'soon' } }),
  ]);
  const reasons = [/--bogus/, /--port/, /LITSXG_IDLE_TIMEOUT/];
  results.forEach((result, i) => assertOneLineFailure(result, 2, reasons[i]!));
  assert.not.ok(existsSync(nowhere), 'refused before touching the data dir');
});

test('serve: an option that cannot take effect is a usage error (exit 2), before anything is touched', async () => {
  const nowhere = join(temp.path, 'never-created');
  const results = await Promise.all([
    runLitsxg(['serve', '--tor-control', '127.0.0.1:9051', '--data-dir', nowhere]),
    runLitsxg(['serve', '--onion-port', '80', '--data-dir', nowhere]),
    runLitsxg(['serve', '--data-dir', nowhere], { env: { LITSXG_TOR_PASSWORD: 'tor secret 5e1f' } }),
    runLitsxg(['serve', '--redis-url', 'redis://127.0.0.1:1', '--data-dir', nowhere]),
  ]);
  const reasons = [/--tor-control only takes effect with --onion/, /--onion-port only takes effect with --onion/,
    /LITSXG_TOR_PASSWORD only takes effect with --onion/, /--redis-url only takes effect with --buffer redis/];
  results.forEach((result, i) => assertOneLineFailure(result, 2, reasons[i]!));
  assert.not.ok(results[2]!.stderr.includes('5e1f'), 'the password is not repeated');
  assert.not.ok(existsSync(nowhere), 'refused before touching the data dir');
});

test('serve: the listening line carries the absolute data dir, a created one is reported, and open registration is warned about once', () => {
  assert.is(server.logs[0]!.data_dir, dataDir);
  const after = server.logs.slice(1, 4).map((entry) => [entry.level, entry.event, entry.path]);
  assert.equal(after.filter(([, event]) => event === 'data_dir_created'), [['info', 'data_dir_created', dataDir]]);
  const warnings = server.logs.filter((entry) => entry.level === 'warn');
  assert.equal(warnings.map((entry) => entry.event), ['open_registration']);
  assert.match(String(warnings[0]!.detail), /anyone who reaches the server can create an operator/);
});

test('help, --help and --version: every command lists its options, defaults and variables', async () => {
  const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const [long, word, help, serve, operator, client, health, bench, topic] = await Promise.all([
    runLitsxg(['--version']), runLitsxg(['version']), runLitsxg(['help']), runLitsxg(['serve', '--help']),
    runLitsxg(['operator', '--help']), runLitsxg(['client', '-h']), runLitsxg(['health', '--help']), runLitsxg(['bench', '--help']),
    runLitsxg(['help', 'serve']),
  ]);
  assert.equal([long.status, long.stdout, word.stdout], [0, `litsxg ${version}\n`, `litsxg ${version}\n`]);
  assert.is(help.status, 0);
  for (const command of ['serve', 'operator', 'client', 'health', 'bench', 'version']) assert.match(help.stdout, new RegExp(`\n  ${command} `));
  for (const result of [serve, operator, client, health, bench]) assert.equal([result.status, result.stderr], [0, '']);
  assert.match(serve.stdout, /^usage: litsxg serve \[options\]\n/);
  assert.match(serve.stdout, /\n  --data-dir DIR +.*\(default \.\/data; env LITSXG_DATA_DIR; file key data-dir\)\n/);
  assert.match(serve.stdout, /\n  --tor-control HOST:PORT\|PATH\s+.*only with --onion\)\n/);
  assert.is(topic.stdout, serve.stdout);
  assert.match(operator.stdout, /\n  --credentials /);
  assert.match(client.stdout, /LITSXG_PASSWORD/);
  assert.match(health.stdout, /\n  --server HOST:PORT +.*\(default 127\.0\.0\.1:7770; env LITSXG_SERVER\)\n/);
  assert.match(bench.stdout, /\n  --target both\|real\|bare +.*only without --server\)\n/);
  assert.not.match(bench.stdout, /LITSXG_/, 'the bench reads no environment');
});

test('serve: a second server on the same data dir is refused with a clear message (exit 3)', async () => {
  const second = await runLitsxg(['serve', '--port', '0', '--data-dir', dataDir]);
  assert.is(second.status, 3);
  assert.not.match(second.stderr, /listening/);
  const line = JSON.parse(second.stderr.trim()) as Record<string, unknown>;
  assert.is(line.event, 'data_dir_unusable');
  assert.match(String(line.reason), /in use by another Litsxg server/);
  assert.is(await authAnswer('carol', SECRETS.registered), 'welcome', 'the first one is unharmed');
});

test('health: exit 0 against a live server, 1 against a closed port', async () => {
  const closedPort = await freePort();
  const [live, dead] = await Promise.all([
    runLitsxg(['health', '--server', `127.0.0.1:${server.port}`]),
    runLitsxg(['health', '--server', `127.0.0.1:${closedPort}`]),
  ]);
  assert.is(live.status, 0, live.stderr);
  assert.match(live.stdout, /^healthy/);
  assert.is(dead.status, 1, dead.stdout);
  assert.match(dead.stderr, /^unhealthy/);
});

test('no body and no password in the logs or the data dir, even at debug level', async () => {
  const alice = await ProtocolClient.connect(server.port);
  await alice.next('hello');
  alice.send({ op: 'auth', name: 'carol', password: SECRETS.wrong });
  assert.is((await alice.next()).code, 'auth_failed');
  alice.send({ op: 'register', name: 'alice', password: SECRETS.registered });
  assert.is((await alice.next()).op, 'welcome');
  for (const [to, body] of [['carol', SECRETS.body], ['nobody', SECRETS.refusedBody], ['carol', SECRETS.tooLarge], ['Carol!', SECRETS.refusedBody]] as const) {
    alice.send({ op: 'send', to, body });
    await alice.next();
  }
  const carol = await ProtocolClient.login(server.port, 'carol', SECRETS.registered);
  const msg = await carol.next('msg');
  assert.is(msg.body, SECRETS.body);
  carol.send({ op: 'ack', id: msg.id });
  await alice.next('receipt');
  alice.close();
  carol.close();
  assert.is(await server.stop(), 0);

  const logs = JSON.stringify(server.logs);
  assert.ok(server.logs.some((entry) => entry.level === 'debug'), 'debug lines were written (LITSXG_LOG_LEVEL)');
  assert.ok(server.logs.some((entry) => entry.event === 'auth_failed'), 'the failed attempt was logged');
  const files = readdirSync(dataDir).map((file) => readFileSync(join(dataDir, file)).toString('latin1'));
  for (const [what, secret] of Object.entries({ ...SECRETS, FIRST, SECOND })) {
    const probe = secret.slice(0, 24);
    assert.not.ok(logs.includes(probe), `${what} in the logs`);
    for (const file of files) assert.not.ok(file.includes(Buffer.from(probe).toString('latin1')), `${what} in the data dir`);
  }
});

test('the credential database holds slow salted hashes only: scrypt, N of 2^14 or more, different for the same password', async () => {
  const database = new Database(join(dataDir, 'credentials.sqlite'), { readonly: true });
  const rows = database.prepare('SELECT name, password_hash FROM operators ORDER BY name').all() as { name: string; password_hash: string }[];
  database.close();
  // alice and carol registered with the same password.
  assert.equal(rows.map((row) => row.name), ['alice', 'carol']);
  const [alice, carol] = rows.map((row) => row.password_hash.split('$'));
  for (const [prefix, n] of [alice!, carol!]) assert.ok(prefix === 'scrypt' && Number(n) >= 2 ** 14, `${prefix} N=${n}`);
  assert.is.not(alice!.join('$'), carol!.join('$'), 'salted');
});

test('operator list: one name a line, sorted (LITSXG_DATA_DIR works for it too)', async () => {
  const listed = await runLitsxg(['operator', 'list'], { env: { LITSXG_DATA_DIR: dataDir } });
  assert.equal([listed.status, listed.stdout, listed.stderr], [0, 'alice\ncarol\n', '']);
});

test.run();
