import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SERVE_COMMAND } from '../src/adapters/cli/serve-options.ts';
import { envName } from '../src/adapters/cli/option-spec.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
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

test('the README\'s Logging section names every event the server can log (issue 11.7)', () => {
  const readme = readFileSync('README.md', 'utf8');
  const logging = readme.slice(readme.indexOf('### Logging'), readme.indexOf('\n### ', readme.indexOf('### Logging') + 1));
  const events = loggedEvents();
  assert.ok(events.size > 20, `found ${[...events].join(' ')}`);
  assert.equal([...events].filter((event) => !logging.includes(`\`${event}\``)).sort(), []);
});

test('the README\'s table of serve options has a row for every option the parser takes, with its variable', () => {
  const readme = readFileSync('README.md', 'utf8');
  const missing = Object.keys(SERVE_COMMAND.options).filter((option) => !readme.includes(`| \`--${option}\` | \`${envName(option)}\` |`));
  assert.equal(missing, []);
});

test.run();
