import packageJson from '../../../package.json' with { type: 'json' };
import { commandHelp, versionText } from './command-help.ts';
import { ExitStatus } from './exit-status.ts';
import { OPERATOR_COMMAND } from './operator-command.ts';
import type { CommandSpec, OptionSpecs } from './option-spec.ts';
import { CLIENT_COMMAND, HEALTH_COMMAND, SEND_COMMAND } from './remote-options.ts';
import { SERVE_COMMAND } from './serve-options.ts';
import { usageError } from './usage-error.ts';

/** Every command whose spec is shipped, for help and for the variables they read. */
export const COMMANDS: readonly CommandSpec<OptionSpecs>[] = [SERVE_COMMAND, OPERATOR_COMMAND, CLIENT_COMMAND, SEND_COMMAND, HEALTH_COMMAND];
/** Commands whose spec is not shipped: the bench lives in a git checkout (bin/litsxg runs it there). */
const OTHERS = [
  ['bench', 'Measures the server against the bare reference relay, in a git checkout (litsxg bench --help).'],
  ['help', "This list; help COMMAND: that command's options."],
  ['version', 'The version (also --version or -V, alone or after any command).'],
] as const;

/** `litsxg help [COMMAND]`: the commands, or one command's options (as `COMMAND --help`). */
export function runHelpCommand(argv: readonly string[]): number {
  const [name, word, ...extra] = argv;
  if (name === '--version' || name === '-V') return runVersionCommand();
  if (extra.length > 0) return usageError(undefined, `unexpected argument ${JSON.stringify(extra[0])}`);
  if (name === undefined) {
    const rows = [...COMMANDS.map((command) => [command.name, command.summary] as const), ...OTHERS];
    process.stdout.write([
      `litsxg ${packageJson.version}: a private message relay`,
      '',
      'usage: litsxg COMMAND [options]   (litsxg COMMAND --help: its options, defaults and environment variables)',
      ...rows.map(([command, summary]) => `  ${command.padEnd(9)}  ${summary}`),
      '',
    ].join('\n'));
    return ExitStatus.ok;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) return usageError(undefined, `no help for ${JSON.stringify(name)}${name === 'bench' ? ': run litsxg bench --help' : ''}`);
  // `help operator add` is `operator add --help`.
  if (word !== undefined && !Object.hasOwn(command.subcommands ?? {}, word)) return usageError(undefined, `no help for ${JSON.stringify(`${name} ${word}`)}`);
  process.stdout.write(commandHelp(command, word));
  return ExitStatus.ok;
}

/** `litsxg version`, `litsxg --version` and `-V`: package.json's version. */
export function runVersionCommand(): number {
  process.stdout.write(versionText());
  return ExitStatus.ok;
}
