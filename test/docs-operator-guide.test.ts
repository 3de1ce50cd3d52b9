import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { section } from './support/markdown.ts';

const GUIDE = 'docs/operator-guide.md';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The names of the files kept in the data directory: the `…_FILE = 'name'` constants of src/adapters. */
function dataDirectoryFiles(): Set<string> {
  const files = new Set<string>();
  for (const file of sourceFiles(resolve('src/adapters'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/\b[A-Z_]+_FILE = '([^'/]+)'/g)) files.add(match[1]!);
  }
  return files;
}

/** Event names as the server's code spells them: `log('warn', 'x'`, `fail(ExitStatus.y, 'x'`, `event: 'x'`. */
function loggedEvents(): Set<string> {
  const patterns = [/\b(?:log|announce)\(\s*'(?:error|warn|info|debug)',\s*'([a-z_]+)'/g, /\bfail\(\s*ExitStatus\.\w+,\s*'([a-z_]+)'/g, /\bevent:\s*'([a-z_]+)'/g];
  const events = new Set<string>();
  for (const file of sourceFiles(resolve('src'))) {
    const source = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of source.matchAll(pattern)) events.add(match[1]!);
  }
  return events;
}

test('the operator guide\'s Logging section names every event the server can log (issue 11.7)', () => {
  const logging = section(GUIDE, 'Logging');
  const events = loggedEvents();
  assert.ok(events.size > 20, `found ${[...events].join(' ')}`);
  assert.equal([...events].filter((event) => !logging.includes(`\`${event}\``)).sort(), []);
});

// Issue 22: the list once left out `server-id`, which key logins and clients' key stores depend on.
test('the operator guide\'s table of the data directory names every file the server keeps there', () => {
  const files = dataDirectoryFiles();
  assert.ok(files.size >= 5, `found ${[...files].join(' ')}`);
  const table = section(GUIDE, 'Data and backup');
  assert.equal([...files].filter((file) => !new RegExp(`^\\| \`${file}\``, 'm').test(table)).sort(), []);
});

test.run();
