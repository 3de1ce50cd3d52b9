import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seedOperators } from '../support/seed-operators.ts';
import { LITSXG, startServer, type RunningServer } from '../support/server-process.ts';
import { onionPublished } from '../support/onion-published.ts';
import { tempDir } from '../support/temp-dir.ts';
import { startTor, writtenPort } from '../support/tor-process.ts';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';

const run = promisify(execFile);

test('two servers on one machine: own ports, data dirs and onion services; neither takes the other\'s data dir', async () => {
  const temp = tempDir();
  const servers: RunningServer[] = [];
  const portFile = join(temp.path, 'tor', 'control-port');
  const tor = await startTor({
    dataDir: join(temp.path, 'tor'),
    torrc: ['DisableNetwork 1', 'SocksPort 0', 'ControlPort 127.0.0.1:auto', `ControlPortWriteToFile ${portFile}`, 'CookieAuthentication 1'],
    ready: async () => (await writtenPort(portFile)) !== undefined,
    timeoutMs: 30_000,
  });
  try {
    const control = `127.0.0.1:${await writtenPort(portFile)}`;
    const [dataA, dataB] = [join(temp.path, 'a'), join(temp.path, 'b')];
    await Promise.all([seedOperators(dataA, ['alice']), seedOperators(dataB, ['bob'])]);
    const onion = ['--onion', '--tor-control', control, '--onion-port', '7770'];
    const a = await startServer({ dataDir: dataA, args: onion });
    servers.push(a);
    const b = await startServer({ dataDir: dataB, args: onion });
    servers.push(b);
    assert.is.not(a.port, b.port);
    const [onionA, onionB] = [await onionPublished(a), await onionPublished(b)];
    assert.is.not(onionA, onionB);

    // A third server on A's data dir is refused before it publishes or listens.
    const refused = await run(LITSXG, ['serve', '--port', '0', '--data-dir', dataA, ...onion]).catch((error: { code: number; stderr: string }) => error);
    assert.is((refused as { code: number }).code, 3);
    assert.match((refused as { stderr: string }).stderr, 'data_dir_unusable');

    // Restarted, A comes back at the same onion address: its key is kept in its data dir.
    assert.is(await a.stop(), 0);
    const again = await startServer({ dataDir: dataA, args: onion });
    servers.push(again);
    assert.is(await onionPublished(again), onionA);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await tor.stop();
    temp.remove();
  }
});

test('serve --onion with tor unreachable: one error line and exit status 6', async () => {
  const temp = tempDir();
  try {
    const failed = await run(LITSXG, ['serve', '--port', '0', '--data-dir', temp.path, '--onion', '--tor-control', join(temp.path, 'no-tor.sock')])
      .catch((error: { code: number; stderr: string }) => error);
    assert.is((failed as { code: number }).code, 6);
    const lines = (failed as { stderr: string }).stderr.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const errors = lines.filter((line) => line.level === 'error');
    assert.is(errors.length, 1);
    assert.is(errors[0]?.event, 'onion_failed');
    assert.match(String(errors[0]?.reason), 'unreachable');
  } finally {
    temp.remove();
  }
});

runUnlessMissing(test, commandMissing('tor'));
