import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { OPERATOR_COMMAND, parseOperatorRequest } from '../../src/adapters/cli/operator-command.ts';
import { runLitsxg } from '../support/run-litsxg.ts';

// Issue 22, the command line: --version after any command, and each operator word's own help.
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const words = Object.keys(OPERATOR_COMMAND.subcommands ?? {});

test('--version and -V work alone and after every command, also beside other options', async () => {
  const lines = [['-V'], ['serve', '--version'], ['serve', '--port', '99999', '-V'], ['operator', 'list', '--version'], ['operator', 'add', '-V'],
    ['client', 'alice', '--version'], ['health', '-V'], ['help', '--version'], ['version', '-V']];
  const results = await Promise.all(lines.map((argv) => runLitsxg(argv)));
  results.forEach((result, i) => assert.equal([result.status, result.stdout, result.stderr], [0, `litsxg ${version}\n`, ''], lines[i]!.join(' ')));
});

test('operator WORD --help is that word\'s help, for every word; help operator WORD is the same', async () => {
  const results = await Promise.all(words.flatMap((word) => [runLitsxg(['operator', word, '--help']), runLitsxg(['help', 'operator', word])]));
  const generic = await runLitsxg(['operator', '--help']);
  words.forEach((word, i) => {
    const [own, viaHelp] = [results[2 * i]!, results[2 * i + 1]!];
    assert.equal([own.status, own.stderr], [0, ''], word);
    assert.match(own.stdout, new RegExp(`^usage: litsxg operator ${word} `), word);
    assert.is(viaHelp.stdout, own.stdout, word);
    assert.is.not(own.stdout, generic.stdout, word);
  });
  const add = results[2 * words.indexOf('add')]!.stdout;
  assert.match(add, /\n {2}--data-dir DIR +/);
  assert.match(add, /first line of standard input/);
  assert.not.match(add, /--key-only/, 'only the options add reads');
  assert.match(results[2 * words.indexOf('onion-key')]!.stdout, /\n {2}--key-only +/);
});

test('every word operator accepts has its help', () => {
  const refusal = parseOperatorRequest(['bogus']);
  const accepted = 'message' in refusal ? refusal.message.replace(/^expected /, '').split(/, | or /).map((word) => word.replace(/ (NAME|FILE)$/, '')) : [];
  assert.equal([...accepted].sort(), [...words].sort());
});

test.run();
