import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateOnionClientKey } from '../../src/adapters/tor/onion-client-key.ts';
import { tempDir } from '../support/temp-dir.ts';

// There is no Docker engine here: check what can be checked without one.
const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const torrc = readFileSync(join(root, 'docker/tor/torrc'), 'utf8');

test('docker-compose accepts docker-compose.yml', async () => {
  const { stdout } = await run('docker-compose', ['-f', join(root, 'docker-compose.yml'), 'config'], { cwd: root });
  await run('docker-compose', ['-f', join(root, 'docker-compose.yml'), 'config', '-q'], { cwd: root });
  assert.match(stdout, /^ {2}litsxg:$/m);
  assert.match(stdout, /^ {2}tor:$/m);
  // The relay is reachable only through the onion: no published ports, an internal network.
  assert.not.match(stdout, /^\s+ports:/m);
  assert.match(stdout, /relay:\n\s+internal: true/);
  assert.match(stdout, /test:\n\s+- CMD\n\s+- bin\/litsxg\n\s+- health/);
});

test('the onion service points at the address the litsxg service has on the compose network', () => {
  const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
  const address = /ipv4_address: (\S+)/.exec(compose)?.[1];
  assert.ok(address);
  assert.match(torrc, new RegExp(`^HiddenServicePort 7770 ${address.replaceAll('.', '\\.')}:7770$`, 'm'));
  // The web client (serve --web) as the onion's port 80.
  assert.match(torrc, new RegExp(`^HiddenServicePort 80 ${address.replaceAll('.', '\\.')}:7780$`, 'm'));
  assert.match(compose, /LITSXG_WEB: "true"\n\s+LITSXG_WEB_PORT: "7780"/);
  assert.match(torrc, /^HiddenServiceDir \/var\/lib\/tor\/litsxg$/m);
  assert.match(compose, /onion-service:\/var\/lib\/tor\/litsxg/);
});

test('the torrc carries the onion defences: proof of work, intro-point DoS defence, a stream bound', () => {
  for (const line of ['HiddenServicePoWDefensesEnabled 1', 'HiddenServiceEnableIntroDoSDefense 1', 'HiddenServiceMaxStreams 32', 'HiddenServiceMaxStreamsCloseCircuit 1']) {
    assert.match(torrc, new RegExp(`^${line}$`, 'm'));
  }
});

test('tor --verify-config accepts the torrc (its two directories moved to a temp dir), an authorized_clients/ directory in place (tor does not read its files before it runs)', async () => {
  const temp = tempDir();
  try {
    // tor checks that its directories exist, are 0700 and owned by whoever runs it.
    mkdirSync(join(temp.path, 'tor', 'litsxg', 'authorized_clients'), { recursive: true, mode: 0o700 });
    writeFileSync(join(temp.path, 'tor', 'litsxg', 'authorized_clients', 'alice.auth'), `descriptor:x25519:${generateOnionClientKey().publicKey}\n`);
    const local = torrc.replaceAll('/var/lib/tor', join(temp.path, 'tor'));
    assert.is(local.split('\n').filter((line, i) => line !== torrc.split('\n')[i]).length, 2);
    writeFileSync(join(temp.path, 'torrc'), local);
    const { stdout } = await run('tor', ['--verify-config', '-f', join(temp.path, 'torrc')]);
    assert.match(stdout, 'Configuration was valid');
  } finally {
    temp.remove();
  }
});

test.run();
