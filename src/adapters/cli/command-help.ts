import packageJson from '../../../package.json' with { type: 'json' };
import type { CommandSpec, OptionSpecs } from './option-spec.ts';
import { describeRequirement, envName } from './option-spec.ts';

const COLUMN = 30;

/**
 * `litsxg COMMAND --help`, written from the spec the parser reads, so the two cannot disagree;
 * with `subcommand` (`operator add --help`), that word's usage, summary and options only.
 */
export function commandHelp<S extends OptionSpecs>(command: CommandSpec<S>, subcommand?: string): string {
  const chosen = subcommand === undefined ? undefined : command.subcommands?.[subcommand];
  if (subcommand !== undefined && chosen === undefined) throw new Error(`${command.name} has no subcommand ${subcommand}`);
  const lines = [`usage: litsxg ${chosen?.usage ?? command.usage}`, chosen?.summary ?? command.summary, ''];
  if (chosen === undefined && command.subcommands !== undefined) {
    lines.push('commands:', ...Object.entries(command.subcommands).map(([word, about]) => row(`  ${word}`, about.summary)), '');
  }
  lines.push('options:');
  const shown = Object.entries(command.options).filter(([name]) => chosen === undefined || chosen.options.includes(name));
  for (const [name, spec] of shown) {
    const facts = [
      spec.kind === 'value' && spec.default !== undefined ? `default ${spec.default}` : undefined,
      spec.kind === 'list' ? 'repeatable' : undefined,
      command.environment && spec.kind !== 'list' ? `env ${envName(name)}` : undefined,
      command.configOption !== undefined && name !== command.configOption && spec.kind !== 'list' ? `file key ${name}` : undefined,
      spec.requires === undefined ? undefined : `only ${describeRequirement(spec.requires)}`,
    ].filter((fact) => fact !== undefined);
    lines.push(row(`  --${name}${spec.kind === 'flag' ? '' : ` ${spec.placeholder}`}`, `${spec.description}${facts.length > 0 ? ` (${facts.join('; ')})` : ''}`));
  }
  lines.push(row('  -h, --help', 'this help'), row('  -V, --version', 'the version'));
  if (command.configOption !== undefined) lines.push('', `A flag wins over the environment, the environment over the file (--${command.configOption}), the file over the default.`);
  else if (command.environment) lines.push('', 'A flag wins over the environment, the environment over the default.');
  if (command.notes !== undefined) lines.push('', ...command.notes);
  return `${lines.join('\n')}\n`;
}

/** `litsxg --version`, also after any command (`litsxg serve --version`, `-V`). */
export function versionText(): string {
  return `litsxg ${packageJson.version}\n`;
}

function row(left: string, text: string): string {
  return left.length < COLUMN ? `${left.padEnd(COLUMN)}${text}` : `${left}\n${' '.repeat(COLUMN)}${text}`;
}
