import { readFileSync } from 'node:fs';
import { BENCH_COMMAND } from '../../../bench/bench-options.ts';
import { commandHelp } from './command-help.ts';
import { ExitStatus } from './exit-status.ts';
import { OPERATOR_COMMAND } from './operator-command.ts';
import type { CommandSpec, OptionSpecs } from './option-spec.ts';
import { CLIENT_COMMAND, HEALTH_COMMAND } from './remote-options.ts';
import { SERVE_COMMAND } from './serve-options.ts';
import { usageError } from './usage-error.ts';

const COMMANDS: readonly CommandSpec<OptionSpecs>[] = [SERVE_COMMAND, OPERATOR_COMMAND, CLIENT_COMMAND, HEALTH_COMMAND, BENCH_COMMAND];

/** `litsxg help [COMMAND]`: the commands, or one command's options (as `COMMAND --help`). */
export function runHelpCommand(argv: readonly string[]): number {
  const [name, ...extra] = argv;
  if (extra.length > 0) return usageError(undefined, `unexpected argument ${JSON.stringify(extra[0])}`);
  if (name === undefined) {
    const width = 9;
    process.stdout.write([
      `litsxg ${version()}: a private message relay`,
      '',
      'usage: litsxg COMMAND [options]   (litsxg COMMAND --help: its options, defaults and environment variables)',
      ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
      `  ${'help'.padEnd(width)}  This list; help COMMAND: that command's options.`,
      `  ${'version'.padEnd(width)}  The version (also --version).`,
      '',
    ].join('\n'));
    return ExitStatus.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) return usageError(undefined, `unknown command ${JSON.stringify(name)}`);
  process.stdout.write(commandHelp(command));
  return ExitStatus.ok;
}

/** `litsxg version` and `litsxg --version`: package.json's version. */
export function runVersionCommand(): number {
  process.stdout.write(`litsxg ${version()}\n`);
  return ExitStatus.ok;
}

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
