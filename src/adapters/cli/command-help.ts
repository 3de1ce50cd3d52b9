import type { CommandSpec, OptionSpecs } from './option-spec.ts';
import { describeRequirement, envName } from './option-spec.ts';

const COLUMN = 30;

/** `litsxg COMMAND --help`, written from the spec the parser reads, so the two cannot disagree. */
export function commandHelp<S extends OptionSpecs>(command: CommandSpec<S>): string {
  const lines = [`usage: litsxg ${command.usage}`, command.summary, '', 'options:'];
  for (const [name, spec] of Object.entries(command.options)) {
    const left = `  --${name}${spec.kind === 'flag' ? '' : ` ${spec.placeholder}`}`;
    const facts = [
      spec.kind === 'value' && spec.default !== undefined ? `default ${spec.default}` : undefined,
      spec.kind === 'list' ? 'repeatable' : undefined,
      command.environment && spec.kind !== 'list' ? `env ${envName(name)}` : undefined,
      spec.requires === undefined ? undefined : `only ${describeRequirement(spec.requires)}`,
    ].filter((fact) => fact !== undefined);
    const text = `${spec.description}${facts.length > 0 ? ` (${facts.join('; ')})` : ''}`;
    lines.push(left.length < COLUMN ? `${left.padEnd(COLUMN)}${text}` : `${left}\n${' '.repeat(COLUMN)}${text}`);
  }
  lines.push(`${'  -h, --help'.padEnd(COLUMN)}this help`);
  if (command.environment) lines.push('', 'A flag wins over the environment, the environment over the default.');
  if (command.notes !== undefined) lines.push('', ...command.notes);
  return `${lines.join('\n')}\n`;
}
