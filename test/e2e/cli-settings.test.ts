import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ProtocolClient } from '../support/protocol-client.ts';
import { runLitsxg } from '../support/run-litsxg.ts';
import { startServer } from '../support/server-process.ts';
import { tempDir } from '../support/temp-dir.ts';

// Issue 22, the command line: serve's configuration file and mistyped LITSXG_ variables, through bin/litsxg.
const temp = tempDir();
test.after(() => temp.remove());

function file(name: string, text: string): string {
  const path = join(temp.path, name);
  writeFileSync(path, text);
  return path;
}

test('serve --config: the file\'s settings apply; a mistyped variable is one JSON warning after listening, another command\'s none', async () => {
  const config = file('good.toml', 'registration = "open"\nsend-rate = 5\n');
  const server = await startServer({ args: ['--config', config], env: { LITSXG_PORTT: '7771', LITSXG_SERVER: '127.0.0.1:1' } });
  try {
    const client = await ProtocolClient.connect(server.port);
    assert.is((await client.next('hello')).registration, 'open');
    client.close();
    assert.is(server.logs[0]!.event, 'listening');
    const strays = server.logs.filter((entry) => entry.event === 'unknown_variable');
    assert.equal(strays.map((entry) => [entry.level, entry.detail]), [['warn', 'LITSXG_PORTT is read by no litsxg command: did you mean LITSXG_PORT?']]);
  } finally {
    await server.stop();
  }
});

test('serve: a bad file is one line naming file, line and key, and exit 2, before anything is touched', async () => {
  const nowhere = join(temp.path, 'never-created');
  const unknown = file('unknown.toml', '# settings\nport = 0\nlog-levle = "debug"\n');
  const bad = file('bad.toml', 'port = 70000\n');
  const results = await Promise.all([
    runLitsxg(['serve', '--config', unknown, '--data-dir', nowhere]),
    runLitsxg(['serve', '--data-dir', nowhere], { env: { LITSXG_CONFIG: bad } }),
    runLitsxg(['serve', '--config', join(temp.path, 'missing.toml'), '--data-dir', nowhere]),
  ]);
  const reasons = [`${unknown}:3: log-levle: unknown key: did you mean log-level?`, `${bad}:1: port: expected an integer from 0 to 65535, got 70000`,
    `--config: cannot read ${join(temp.path, 'missing.toml')}: no such file or directory`];
  results.forEach((result, i) => {
    assert.equal([result.status, result.stdout], [2, ''], result.stderr);
    assert.is(result.stderr, `litsxg serve: ${reasons[i]} (litsxg serve --help lists its options)\n`);
  });
  assert.not.ok(existsSync(nowhere), 'refused before touching the data dir');
});

test('other commands say a mistyped variable in one plain line, and nothing on a refused command line', async () => {
  const dataDir = join(temp.path, 'data');
  const [added, refused] = await Promise.all([
    runLitsxg(['operator', 'add', 'alice', '--data-dir', dataDir], { input: 'correct horse battery\n', env: { LITSXG_DATA_DIRR: dataDir } }),
    runLitsxg(['operator', 'list', '--bogus'], { env: { LITSXG_DATA_DIRR: dataDir } }),
  ]);
  assert.is(added.status, 0, added.stderr);
  assert.is(added.stderr, `litsxg operator: LITSXG_DATA_DIRR is read by no litsxg command: did you mean LITSXG_DATA_DIR?\nlitsxg operator: created data directory ${dataDir}\n`);
  assert.equal([refused.status, refused.stderr.split('\n').length], [2, 2], refused.stderr);
});

test.run();
