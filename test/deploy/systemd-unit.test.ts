import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandMissing, runUnlessMissing } from '../support/missing-service.ts';
import { tempDir } from '../support/temp-dir.ts';

// systemd-analyze checks a unit file without systemd running (Debian's `systemd` package).
const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const unit = readFileSync(join(root, 'systemd/litsxg.service'), 'utf8');

/** The unit with its release directory pointed at this checkout, whose bin/litsxg exists. */
function localUnit(dir: string): string {
  const local = unit.replaceAll('/opt/litsxg/current/', `${root}`);
  assert.is(local.split('\n').filter((line, i) => line !== unit.split('\n')[i]).length, 1);
  const path = join(dir, 'litsxg.service');
  writeFileSync(path, local);
  return path;
}

test('systemd-analyze verify accepts the unit, with no warning', async () => {
  const temp = tempDir();
  try {
    const { stdout, stderr } = await run('systemd-analyze', ['verify', localUnit(temp.path)]);
    assert.is(stdout + stderr, '');
  } finally {
    temp.remove();
  }
});

test('the unit runs as its own user on /var/lib/litsxg, restarts on failure, and is hardened', async () => {
  for (const line of ['User=litsxg', 'StateDirectory=litsxg', 'Environment=LITSXG_DATA_DIR=/var/lib/litsxg',
    'Restart=on-failure', 'NoNewPrivileges=yes', 'ProtectSystem=strict', 'PrivateTmp=yes', 'StandardError=journal']) {
    assert.ok(unit.split('\n').includes(line), line);
  }
  const temp = tempDir();
  try {
    // systemd's exposure score, 0 (locked down) to 10 (unprotected): "OK" up to 2.
    const { stdout } = await run('systemd-analyze', ['security', '--offline=true', '--threshold=20', localUnit(temp.path)]);
    assert.match(stdout, /Overall exposure level for litsxg\.service: (1\.\d|2\.0) OK/);
  } finally {
    temp.remove();
  }
});

runUnlessMissing(test, commandMissing('systemd-analyze', 'systemd'));
