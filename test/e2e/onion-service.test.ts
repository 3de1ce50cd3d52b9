import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateOnionClientKey } from '../../src/adapters/tor/onion-client-key.ts';
import { startFakeTorControl, type FakeTorControl } from '../support/fake-tor-control.ts';
import { freePort } from '../../bench/free-port.ts';
import { onionPublished } from '../support/onion-published.ts';
import { runLitsxg } from '../support/run-litsxg.ts';
import { PASSWORD } from '../support/seed-operators.ts';
import { startServer, type RunningServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

// `serve --onion` against a fake control port: what the server does when tor goes away and comes back.

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const logged = (server: RunningServer, event: string) => server.logs.filter((line) => line.event === event);

async function withServer(args: readonly string[], body: (server: RunningServer, fake: { current: FakeTorControl }) => Promise<void>, dataDir?: string): Promise<void> {
  const fake = { current: await startFakeTorControl() };
  const server = await startServer({ dataDir, args: ['--onion', '--tor-control', `127.0.0.1:${fake.current.port}`, ...args] });
  try {
    await onionPublished(server);
    await body(server, fake);
  } finally {
    await server.stop();
    await fake.current.close();
  }
}

test('tor gone: onion_lost, health fails saying the onion is down, nothing exits; tor back: onion_restored, healthy again', async () => {
  await withServer([], async (server, fake) => {
    const health = () => runLitsxg(['health', '--server', `127.0.0.1:${server.port}`]);
    assert.is((await health()).status, 0);
    const port = fake.current.port;
    await fake.current.close();
    await until('onion_lost', () => logged(server, 'onion_lost').length === 1);
    const down = await health();
    assert.is(down.status, 1);
    assert.match(down.stderr, /^unhealthy: the onion service is down/);
    assert.is(down.stderr.trim().split('\n').length, 1);
    assert.is(server.process.exitCode, null);

    fake.current = await startFakeTorControl(undefined, port);
    await until('onion_restored', () => logged(server, 'onion_restored').length === 1);
    const restored = logged(server, 'onion_restored')[0]!;
    assert.is(restored.address, logged(server, 'onion_published')[0]?.address);
    assert.type(restored.downtime_ms, 'number');
    assert.is((await health()).status, 0);
  });
});

test('--onion-down-exit: the server exits with status 6 once the onion has been down that long', async () => {
  await withServer(['--onion-down-exit', '1'], async (server, fake) => {
    const exited = new Promise<number | null>((resolve) => server.process.once('exit', resolve));
    const lostAt = Date.now();
    await fake.current.close();
    assert.is(await exited, 6);
    assert.ok(Date.now() - lostAt >= 1_000, `exited after ${Date.now() - lostAt} ms`);
    assert.is(logged(server, 'onion_abandoned').length, 1);
  });
});

test('--onion-client-auth: one ClientAuthV3 per operator, and a running server follows operator add and remove', async () => {
  const data = tempDir();
  try {
    for (const name of ['alice', 'bob']) {
      const added = await runLitsxg(['operator', 'add', name, '--data-dir', data.path], { input: `${PASSWORD}\n` });
      assert.is(added.status, 0, added.stderr);
    }
    await withServer(['--onion-client-auth'], async (server, fake) => {
      const adds = () => fake.current.commands.filter((command) => command.startsWith('ADD_ONION'));
      const keysIn = (command: string | undefined) => (command ?? '').split(' ').filter((word) => word.startsWith('ClientAuthV3=')).length;
      assert.match(adds()[0]!, /Flags=V3Auth,MaxStreamsCloseCircuit MaxStreams=32 PoWDefensesEnabled=1 /);
      assert.is(keysIn(adds()[0]), 2);
      assert.is(logged(server, 'onion_defences')[0]?.client_auth, '2 operators');

      assert.is((await runLitsxg(['operator', 'add', 'carol', '--data-dir', data.path], { input: `${PASSWORD}\n` })).status, 0);
      await until('a third key', () => keysIn(adds().at(-1)) === 3, 10_000);
      assert.is((await runLitsxg(['operator', 'remove', 'alice', '--data-dir', data.path])).status, 0);
      await until('back to two keys', () => keysIn(adds().at(-1)) === 2, 10_000);
      // Same key, so the same address: the ADD_ONIONs after the first reuse the stored key.
      assert.ok(adds().slice(1).every((command) => command.startsWith('ADD_ONION ED25519-V3:')), adds().join('\n'));

      const address = String(logged(server, 'onion_published')[0]?.address);
      const [line, bare, publicLine, removed] = await Promise.all([
        runLitsxg(['operator', 'onion-key', 'bob', '--data-dir', data.path]),
        runLitsxg(['operator', 'onion-key', 'bob', '--key-only', '--data-dir', data.path]),
        runLitsxg(['operator', 'onion-key', 'bob', '--public', '--data-dir', data.path]),
        runLitsxg(['operator', 'onion-key', 'alice', '--data-dir', data.path]),
      ]);
      assert.is(line.status, 0);
      assert.match(line.stdout, new RegExp(`^${address.replace('.onion', '')}:descriptor:x25519:[A-Z2-7]{52}\\n$`));
      assert.is(bare.stdout, `${line.stdout.trim().split(':').at(-1)}\n`);
      // The public half is one of the keys the server handed tor.
      assert.match(publicLine.stdout, /^descriptor:x25519:[A-Z2-7]{52}\n$/);
      assert.ok(adds().at(-1)!.includes(`ClientAuthV3=${publicLine.stdout.trim().split(':').at(-1)}`), publicLine.stdout);
      assert.is(removed.status, 1);
      assert.is(removed.stderr, 'litsxg operator: no operator named alice\n');
      assert.not.ok(server.logs.some((entry) => JSON.stringify(entry).includes(bare.stdout.trim())), 'no private key in the log');
    }, data.path);
    assert.is((await stat(join(data.path, 'onion-hostname'))).mode & 0o777, 0o600);
  } finally {
    data.remove();
  }
});

test('onion-key before any server published: one line, exit 1; unknown and invalid names too', async () => {
  const data = tempDir();
  try {
    assert.is((await runLitsxg(['operator', 'add', 'alice', '--data-dir', data.path], { input: `${PASSWORD}\n` })).status, 0);
    const results = await Promise.all([
      runLitsxg(['operator', 'onion-key', 'alice', '--data-dir', data.path]),
      runLitsxg(['operator', 'onion-key', 'ghost', '--data-dir', data.path]),
      runLitsxg(['operator', 'onion-key', 'Not-A-Name', '--data-dir', data.path]),
    ]);
    assert.equal(results.map((result) => result.status), [1, 1, 1]);
    assert.match(results[0]!.stderr, /^litsxg operator: the onion address is not known yet: .*--key-only\n$/);
    assert.is(results[1]!.stderr, 'litsxg operator: no operator named ghost\n');
    assert.match(results[2]!.stderr, /^litsxg operator: invalid operator name "Not-A-Name"/);
    assert.equal(results.map((result) => result.stdout), ['', '', '']);
  } finally {
    data.remove();
  }
});

test('client and health --onion-key: a malformed file or no --tor-control is status 2, a tor that cannot be reached 1, one line each', async () => {
  const temp = tempDir();
  try {
    const bad = join(temp.path, 'bad.auth_private');
    const good = join(temp.path, 'good.auth_private');
    await writeFile(bad, 'not a key at all\n');
    await writeFile(good, `${generateOnionClientKey().privateKey}\n`);
    const onion = ['--server', `${'a'.repeat(56)}.onion:7770`, '--proxy', 'socks5://127.0.0.1:9'];
    const closedControl = ['--tor-control', `127.0.0.1:${await freePort()}`];
    const [malformed, noControl, unreachable, healthMalformed] = await Promise.all([
      runLitsxg(['client', 'alice', ...onion, '--onion-key', bad, ...closedControl], { env: { LITSXG_PASSWORD: PASSWORD } }),
      runLitsxg(['client', 'alice', ...onion, '--onion-key', good], { env: { LITSXG_PASSWORD: PASSWORD } }),
      runLitsxg(['client', 'alice', ...onion, '--onion-key', good, ...closedControl], { env: { LITSXG_PASSWORD: PASSWORD } }),
      runLitsxg(['health', ...onion, '--onion-key', bad, ...closedControl]),
    ]);
    assert.equal([malformed.status, noControl.status, unreachable.status, healthMalformed.status], [2, 2, 1, 2]);
    assert.match(malformed.stderr, /^litsxg client: the onion key file .* holds neither .*\n$/);
    assert.match(noControl.stderr, /^litsxg client: --onion-key needs --tor-control .*\n$/);
    assert.match(unreachable.stderr, /^litsxg client: tor control port 127\.0\.0\.1:\d+ unreachable: ECONNREFUSED\n$/);
    assert.match(healthMalformed.stderr, /^unhealthy: the onion key file .* holds neither .*\n$/);
    assert.not.match(malformed.stderr + healthMalformed.stderr, 'not a key at all');
  } finally {
    temp.remove();
  }
});

test.run();
