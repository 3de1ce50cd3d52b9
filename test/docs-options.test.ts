import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BENCH_COMMAND } from '../bench/bench-options.ts';
import { COMMANDS } from '../src/adapters/cli/help-command.ts';
import { type AnyOption, type CommandSpec, describeRequirement, envName, type OptionSpecs } from '../src/adapters/cli/option-spec.ts';
import { section } from './support/markdown.ts';

// Issue 22: docs/options.md writes out what each command's --help prints from its spec; this
// holds the two together, option by option.
const DOCUMENT = 'docs/options.md';

/** `| \`--name\` | environment | default | meaning |` rows of a command's section. */
function documentedRows(command: string): Map<string, { environment: string; fallback: string; meaning: string }> {
  const rows = new Map<string, { environment: string; fallback: string; meaning: string }>();
  for (const [, name, environment, fallback, meaning] of section(DOCUMENT, `\`${command}\``).matchAll(/^\| `--([a-z-]+)` \| ([^|]+) \| ([^|]+) \| (.+) \|$/gm)) {
    rows.set(name!, { environment: environment!, fallback: fallback!, meaning: meaning!.replaceAll('`', '') });
  }
  return rows;
}

/** What --help says of an option, as the table writes it; undefined where they agree. */
function disagreement(command: CommandSpec<OptionSpecs>, name: string, spec: AnyOption, row: { environment: string; fallback: string; meaning: string } | undefined): string | undefined {
  if (row === undefined) return `--${name} has no row`;
  const environment = command.environment && spec.kind !== 'list' ? `\`${envName(name)}\`` : '—';
  const fallback = spec.kind === 'flag' ? 'off' : spec.kind === 'value' && spec.default !== undefined ? `\`${spec.default}\`` : '—';
  const requirement = spec.requires === undefined ? undefined : `only ${describeRequirement(spec.requires)}`;
  if (row.environment !== environment) return `--${name}: environment ${row.environment}, --help says ${environment}`;
  if (row.fallback !== fallback) return `--${name}: default ${row.fallback}, --help says ${fallback}`;
  if (requirement !== undefined && !row.meaning.includes(requirement)) return `--${name}: does not say "${requirement}"`;
  if (requirement === undefined && /\bonly with(out)? --/.test(row.meaning)) return `--${name}: says "only with…", --help does not`;
  return undefined;
}

function differences(command: CommandSpec<OptionSpecs>): string[] {
  const rows = documentedRows(command.name);
  const extra = [...rows.keys()].filter((name) => !Object.hasOwn(command.options, name)).map((name) => `--${name} is no option of ${command.name}`);
  const wrong = Object.entries(command.options).flatMap(([name, spec]) => disagreement(command, name, spec, rows.get(name)) ?? []);
  return [...wrong, ...extra];
}

for (const command of [...COMMANDS, BENCH_COMMAND]) {
  test(`${DOCUMENT}'s ${command.name} table has every option --help shows, with its variable, default and requirement, and no other`, () => {
    assert.ok(Object.keys(command.options).length > 0);
    assert.equal(differences(command), []);
  });
}

test('a table that says otherwise than --help is caught', () => {
  const serve = COMMANDS.find((command) => command.name === 'serve')!;
  const rows = documentedRows('serve');
  const port = rows.get('port')!;
  assert.is(disagreement(serve, 'port', serve.options.port!, { ...port, fallback: '`7771`' }), '--port: default `7771`, --help says `7770`');
  assert.is(disagreement(serve, 'port', serve.options.port!, { ...port, environment: '`LITSXG_PORTT`' }), '--port: environment `LITSXG_PORTT`, --help says `LITSXG_PORT`');
  assert.is(disagreement(serve, 'tor-control', serve.options['tor-control']!, { ...rows.get('tor-control')!, meaning: 'Tor\'s control port' }), '--tor-control: does not say "only with --onion"');
  assert.is(disagreement(serve, 'port', serve.options.port!, undefined), '--port has no row');
});

test.run();
