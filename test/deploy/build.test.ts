import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runLitsxg } from '../support/run-litsxg.ts';
import { tempDir } from '../support/temp-dir.ts';

const root = new URL('../..', import.meta.url).pathname;

test('every built module has its source map', () => {
  const modules = readdirSync(join(root, 'dist')).filter((file) => file.endsWith('.js'));
  assert.ok(modules.includes('main.js'), modules.join(' '));
  for (const module of modules) {
    assert.match(readFileSync(join(root, 'dist', module), 'utf8'), `//# sourceMappingURL=${module}.map`);
  }
});

test('a fatal error in the built server names the TypeScript file and line', async () => {
  const temp = tempDir();
  try {
    // An unexpected failure at start: serve's first call to process.umask throws.
    const hook = join(temp.path, 'umask-throws.mjs');
    writeFileSync(hook, "process.umask = () => { throw new Error('injected'); };\n");
    const result = await runLitsxg(['serve', '--port', '0', '--data-dir', join(temp.path, 'data')],
      { env: { NODE_OPTIONS: `--import=${hook}` } });
    assert.is(result.status, 70, result.stderr);
    assert.match(result.stderr, /^litsxg: unexpected failure: Error: injected\n/);
    assert.match(result.stderr, /\n {4}at \w+ \(\/\S+\/src\/[\w/.-]+\.ts:\d+:\d+\)\n/);
  } finally {
    temp.remove();
  }
});

test.run();
