import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { commandHelp, versionText } from './command-help.ts';
import { configEntries } from './config-file.ts';
import { nearestName } from './nearest-name.ts';
import type { AnyOption, CommandSpec, OptionSpecs, OptionValues } from './option-spec.ts';
import { describeRequirement, envName } from './option-spec.ts';

export type CommandLine<S extends OptionSpecs> =
  | { readonly kind: 'run'; readonly values: OptionValues<S>; readonly positionals: readonly string[] }
  /** `--help` or `--version`: the text to print, then exit 0. */
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'error'; readonly message: string };

type Env = Readonly<Record<string, string | undefined>>;
/** Reads a configuration file whole; throws as `readFileSync` does. */
export type ReadText = (path: string) => string;

/**
 * PROTOCOL "Command line": a flag wins over the environment, the environment over the
 * configuration file (issue 22), the file over the default; an unknown option or key, a bad value
 * or an option that cannot take effect is one line of error.
 */
export function parseCommandLine<S extends OptionSpecs>(
  command: CommandSpec<S>, argv: readonly string[], env: Env, readText: ReadText = (path) => readFileSync(path, 'utf8'),
): CommandLine<S> {
  const specs: OptionSpecs = command.options;
  const types = Object.entries(specs).map(([name, spec]) => [name, { type: spec.kind === 'flag' ? 'boolean' : 'string' }] as const);
  const { tokens } = parseArgs({
    args: [...argv], options: { ...Object.fromEntries(types), help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'V' } },
    strict: false, allowPositionals: true, tokens: true,
  });
  const asked = (name: string) => tokens.some((token) => token.kind === 'option' && token.name === name);
  if (asked('help')) return { kind: 'help', text: commandHelp(command, subcommandOf(command, tokens)) };
  if (asked('version')) return { kind: 'help', text: versionText() };
  const read: Read = { values: new Map(), given: new Map() };
  const refused = readFlags(specs, tokens, read) ?? (command.environment ? readEnvironment(specs, env, read) : undefined)
    ?? (command.configOption === undefined ? undefined : readConfigFile(specs, command.configOption, read, readText));
  if (refused !== undefined) return { kind: 'error', message: refused };
  for (const [name, spec] of Object.entries(specs)) if (!read.values.has(name)) read.values.set(name, defaultValue(name, spec));
  const unmet = unmetRequirement(specs, read);
  if (unmet !== undefined) return { kind: 'error', message: unmet };
  const positionals = tokens.flatMap((token) => (token.kind === 'positional' ? [token.value] : []));
  return { kind: 'run', values: Object.fromEntries(read.values) as OptionValues<S>, positionals };
}

/** The values so far, and where each given one came from (`--port`, `LITSXG_PORT`) for errors. */
interface Read {
  readonly values: Map<string, unknown>;
  readonly given: Map<string, string>;
}

type Tokens = ReturnType<typeof parseArgs>['tokens'] & object;

/** `operator add --help`: the first word, when it names one of the command's subcommands. */
function subcommandOf(command: CommandSpec<OptionSpecs>, tokens: Tokens): string | undefined {
  const word = tokens.find((token) => token.kind === 'positional')?.value;
  return word !== undefined && command.subcommands !== undefined && Object.hasOwn(command.subcommands, word) ? word : undefined;
}

function readFlags(specs: OptionSpecs, tokens: Tokens, read: Read): string | undefined {
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = Object.hasOwn(specs, token.name) ? specs[token.name]! : undefined;
    if (spec === undefined) return `unknown option ${token.rawName}`;
    let value: unknown = true;
    if (spec.kind === 'flag') {
      if (token.value !== undefined) return `${token.rawName} takes no value`;
    } else {
      if (token.value === undefined) return `${token.rawName} needs a value: ${spec.expects}`;
      value = spec.parse(token.value);
      if (value === undefined) return `${token.rawName}: expected ${spec.expects}, got ${shown(spec, JSON.stringify(token.value))}`;
    }
    read.values.set(token.name, spec.kind === 'list' ? [...((read.values.get(token.name) as unknown[] | undefined) ?? []), value] : value);
    read.given.set(token.name, token.rawName);
  }
  return undefined;
}

function readEnvironment(specs: OptionSpecs, env: Env, read: Read): string | undefined {
  for (const [name, spec] of Object.entries(specs)) {
    const raw = spec.kind === 'list' ? undefined : env[envName(name)];
    if (read.values.has(name) || raw === undefined || raw === '') continue;
    const value = spec.kind === 'flag' ? flagValue(raw) : spec.parse(raw);
    if (value === undefined) return `${envName(name)}: expected ${spec.kind === 'flag' ? 'true or false' : spec.expects}, got ${shown(spec, JSON.stringify(raw))}`;
    read.values.set(name, value);
    read.given.set(name, envName(name));
  }
  return undefined;
}

/**
 * Every key of the file is checked, also one a flag or the environment overrides, and named
 * with its file and line: `litsxg.toml:3: port: expected …`.
 */
function readConfigFile(specs: OptionSpecs, option: string, read: Read, readText: ReadText): string | undefined {
  const path = read.values.get(option) as string | undefined;
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readText(path);
  } catch (error) {
    return `${read.given.get(option)!}: cannot read ${path}: ${(error as Error).message.replace(/^E[A-Z]+: /, '').replace(/,.*$/, '')}`;
  }
  const entries = configEntries(text);
  if (!Array.isArray(entries)) return `${path}:${entries.line}: ${entries.reason}`;
  const keys = Object.keys(specs).filter((name) => name !== option && specs[name]!.kind !== 'list');
  for (const { key, value, line } of entries) {
    const where = `${path}${line === undefined ? '' : `:${line}`}: ${key}`;
    if (key === option) return `${where}: a configuration file cannot name another`;
    if (!keys.includes(key)) return `${where}: unknown key: did you mean ${nearestName(key, keys)}?`;
    const spec = specs[key]!;
    const given = spec.kind === 'flag' ? (typeof value === 'boolean' ? value : undefined)
      : typeof value === 'string' || typeof value === 'number' ? spec.parse(String(value)) : undefined;
    if (given === undefined) return `${where}: expected ${spec.kind === 'flag' ? 'true or false' : spec.expects}, got ${shown(spec, JSON.stringify(value))}`;
    if (read.values.has(key)) continue;
    read.values.set(key, given);
    read.given.set(key, where);
  }
  return undefined;
}

/** Issue 11.3: an option given (and not switched off) whose `requires` does not hold. */
function unmetRequirement(specs: OptionSpecs, read: Read): string | undefined {
  for (const [name, source] of read.given) {
    const requires = specs[name]!.requires;
    if (requires === undefined || read.values.get(name) === false) continue;
    const other = read.values.get(requires.option);
    const set = requires.equals === undefined ? other !== undefined && other !== false : other === requires.equals;
    if (set === Boolean(requires.absent)) return `${source} only takes effect ${describeRequirement(requires)}`;
  }
  return undefined;
}

/** A refused value, quoted (JSON), unless it may hold a password. */
function shown(spec: AnyOption, quoted: string): string {
  return spec.secret ? 'something else (not shown: it may hold a password)' : quoted;
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
