import { parseArgs } from 'node:util';
import { commandHelp } from './command-help.ts';
import type { AnyOption, CommandSpec, OptionSpecs, OptionValues } from './option-spec.ts';
import { describeRequirement, envName } from './option-spec.ts';

export type CommandLine<S extends OptionSpecs> =
  | { readonly kind: 'run'; readonly values: OptionValues<S>; readonly positionals: readonly string[] }
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

type Env = Readonly<Record<string, string | undefined>>;

/**
 * PROTOCOL "Command line": a flag wins over the environment, the environment over the default;
 * an unknown option, a bad value or an option that cannot take effect is one line of error.
 */
export function parseCommandLine<S extends OptionSpecs>(command: CommandSpec<S>, argv: readonly string[], env: Env): CommandLine<S> {
  const specs: OptionSpecs = command.options;
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...Object.fromEntries(Object.entries(specs).map(([name, spec]) => [name, { type: spec.kind === 'flag' ? 'boolean' : 'string' }] as const)), help: { type: 'boolean', short: 'h' } },
    strict: false, allowPositionals: true, tokens: true,
  });
  if (tokens.some((token) => token.kind === 'option' && token.name === 'help')) return { kind: 'help', text: commandHelp(command) };
  const values = new Map<string, unknown>();
  const given = new Map<string, string>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name]! : undefined;
    if (spec === undefined) return error(`unknown option ${token.rawName}`);
    let value: unknown = true;
    if (spec.kind === 'flag') {
      if (token.value !== undefined) return error(`${token.rawName} takes no value`);
    } else {
      if (token.value === undefined) return error(`${token.rawName} needs a value: ${spec.expects}`);
      value = spec.parse(token.value);
      if (value === undefined) return error(`${token.rawName}: expected ${spec.expects}, got ${shown(spec, token.value)}`);
    }
    values.set(token.name, spec.kind === 'list' ? [...((values.get(token.name) as unknown[] | undefined) ?? []), value] : value);
    given.set(token.name, token.rawName);
  }
  for (const [name, spec] of Object.entries(specs)) {
    const raw = command.environment && spec.kind !== 'list' ? env[envName(name)] : undefined;
    if (values.has(name) || raw === undefined || raw === '') continue;
    const value = spec.kind === 'flag' ? flagValue(raw) : spec.parse(raw);
    if (value === undefined) return error(`${envName(name)}: expected ${spec.kind === 'flag' ? 'true or false' : spec.expects}, got ${shown(spec, raw)}`);
    values.set(name, value);
    given.set(name, envName(name));
  }
  for (const [name, spec] of Object.entries(specs)) if (!values.has(name)) values.set(name, defaultValue(name, spec));
  for (const [name, source] of given) {
    const requires = specs[name]!.requires;
    if (requires === undefined || values.get(name) === false) continue;
    const required = values.get(requires.option);
    const set = requires.equals === undefined ? required !== undefined && required !== false : required === requires.equals;
    if (set === Boolean(requires.absent)) return error(`${source} only takes effect ${describeRequirement(requires)}`);
  }
  return { kind: 'run', values: Object.fromEntries(values) as OptionValues<S>, positionals };
}

function error(message: string): { kind: 'error'; message: string } {
  return { kind: 'error', message };
}

function shown(spec: AnyOption, raw: string): string {
  return spec.secret ? 'something else (not shown: it may hold a password)' : JSON.stringify(raw);
}

function flagValue(raw: string): boolean | undefined {
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  return undefined;
}

function defaultValue(name: string, spec: AnyOption): unknown {
  if (spec.kind === 'flag') return false;
  if (spec.kind === 'list') return [];
  if (spec.default === undefined) return undefined;
  const value = spec.parse(spec.default);
  if (value === undefined) throw new Error(`--${name}: the default ${JSON.stringify(spec.default)} is not ${spec.expects}`);
  return value;
}
