import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { commandHelp, versionText } from '../../src/adapters/cli/command-help.ts';
import { parseCommandLine } from '../../src/adapters/cli/option-parser.ts';
import { choiceOption, defineCommand, flagOption, integerOption, listOption, textOption } from '../../src/adapters/cli/option-spec.ts';

const DEMO = defineCommand({
  name: 'demo',
  usage: 'demo [options]',
  summary: 'A command to test the parser with.',
  environment: true,
  options: {
    count: integerOption(1, 9, { default: '3', description: 'how many' }),
    mode: choiceOption(['a', 'b'], { default: 'a', description: 'which mode' }),
    tunnel: flagOption('use the tunnel'),
    'tunnel-key': textOption('KEY', { default: undefined, description: 'the tunnel key', secret: true, requires: { option: 'tunnel' } }),
    'b-only': integerOption(0, 5, { default: '0', description: 'for mode b', requires: { option: 'mode', equals: 'b' } }),
    'not-with-tunnel': flagOption('only without the tunnel', { option: 'tunnel', absent: true }),
    extra: listOption('a word', 'WORD', (raw) => raw, 'repeatable words'),
  },
});

const parse = (argv: string[], env: Record<string, string> = {}) => parseCommandLine(DEMO, argv, env);
const message = (argv: string[], env: Record<string, string> = {}) => {
  const result = parse(argv, env);
  return result.kind === 'error' ? result.message : `not an error: ${result.kind}`;
};

test('values are typed and defaulted from the spec; lists repeat', () => {
  const result = parse(['--count=7', '--extra', 'x', 'pos', '--extra', 'y']);
  assert.is(result.kind, 'run');
  if (result.kind !== 'run') return;
  const count: number = result.values.count;
  const key: string | undefined = result.values['tunnel-key'];
  const extra: string[] = result.values.extra;
  assert.equal([count, result.values.mode, result.values.tunnel, key, extra, result.positionals], [7, 'a', false, undefined, ['x', 'y'], ['pos']]);
});

test('an option given without the option it depends on is refused, from a flag or the environment', () => {
  assert.is(message(['--tunnel-key', 'k']), '--tunnel-key only takes effect with --tunnel');
  assert.is(message([], { LITSXG_TUNNEL_KEY: 'k' }), 'LITSXG_TUNNEL_KEY only takes effect with --tunnel');
  assert.is(message(['--b-only', '2']), '--b-only only takes effect with --mode b');
  assert.is(message(['--not-with-tunnel', '--tunnel']), '--not-with-tunnel only takes effect without --tunnel');
  for (const [argv, env] of [[['--tunnel', '--tunnel-key', 'k'], {}], [['--b-only', '2'], { LITSXG_MODE: 'b' }], [['--not-with-tunnel'], {}]] as const) {
    assert.is(parse([...argv], env).kind, 'run', argv.join(' '));
  }
  assert.is(parse([], { LITSXG_NOT_WITH_TUNNEL: 'false', LITSXG_TUNNEL: '1' }).kind, 'run', 'a flag set off in the environment needs nothing');
});

test('usage errors name the option and what it expects, never a secret', () => {
  assert.is(message(['--count', '10']), '--count: expected an integer from 1 to 9, got "10"');
  assert.is(message(['--count']), '--count needs a value: an integer from 1 to 9');
  assert.is(message(['--tunnel=yes']), '--tunnel takes no value');
  assert.is(message(['-x']), 'unknown option -x');
  assert.is(message([], { LITSXG_TUNNEL: 'maybe' }), 'LITSXG_TUNNEL: expected true or false, got "maybe"');
  assert.is(message(['--tunnel', '--tunnel-key', '']), '--tunnel-key: expected a non-empty value, got something else (not shown: it may hold a password)');
});

test('--help and -h win over everything else, with text written from the spec', () => {
  for (const argv of [['--help'], ['-h', '--count', '99']]) {
    const result = parse(argv);
    assert.is(result.kind, 'help', argv.join(' '));
    assert.is(result.kind === 'help' && result.text, commandHelp(DEMO));
  }
  const text = commandHelp(DEMO);
  assert.match(text, /^usage: litsxg demo \[options\]\n/);
  assert.match(text, /\n {2}--count N +how many \(default 3; env LITSXG_COUNT\)\n/);
  assert.match(text, /\n {2}--tunnel-key KEY +the tunnel key \(env LITSXG_TUNNEL_KEY; only with --tunnel\)\n/);
  assert.match(text, /\n {2}--extra WORD +repeatable words \(repeatable\)\n/);
  assert.match(text, /\n {2}--b-only N +for mode b \(default 0; env LITSXG_B_ONLY; only with --mode b\)\n/);
});

test('--version and -V, anywhere on the line, print the version and win over errors (issue 22)', () => {
  for (const argv of [['--version'], ['-V'], ['pos', '--count', '99', '-V']]) {
    const result = parse(argv);
    assert.equal(result.kind === 'help' && result.text, versionText(), argv.join(' '));
  }
  assert.match(versionText(), /^litsxg \d+\.\d+\.\d+\n$/);
  assert.match(commandHelp(DEMO), /\n {2}-V, --version +the version\n/);
});

const WORDS = defineCommand({
  name: 'words',
  usage: 'words add|list [options]',
  summary: 'A command with subcommands.',
  environment: false,
  options: { count: DEMO.options.count, tunnel: DEMO.options.tunnel },
  subcommands: {
    add: { usage: 'words add NAME [options]', summary: 'Adds NAME.', options: ['count'] },
    list: { usage: 'words list', summary: 'Lists them.', options: [] },
  },
});

test('COMMAND WORD --help is that word\'s help: its usage, what it does and only its options (issue 22)', () => {
  const help = (argv: string[]) => {
    const result = parseCommandLine(WORDS, argv, {});
    return result.kind === 'help' ? result.text : `not help: ${result.kind}`;
  };
  const add = help(['add', '--help']);
  assert.is(add, commandHelp(WORDS, 'add'));
  assert.match(add, /^usage: litsxg words add NAME \[options\]\nAdds NAME\.\n\noptions:\n {2}--count N +how many \(default 3\)\n/);
  assert.not.match(add, /--tunnel/);
  assert.is(help(['-h', 'list']), commandHelp(WORDS, 'list'));
  const whole = help(['--help']);
  assert.is(help(['bogus', '--help']), whole, 'an unknown word gets the command\'s help');
  assert.match(whole, /\ncommands:\n {2}add +Adds NAME\.\n {2}list +Lists them\.\n/);
  assert.match(whole, /\n {2}--tunnel +use the tunnel\n/);
});

test.run();
