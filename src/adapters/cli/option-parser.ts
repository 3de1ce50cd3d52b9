/** One command-line option: `--name VALUE` (or `--name=VALUE`), also `LITSXG_NAME` in the environment. */
export interface OptionSpec<T = unknown> {
  readonly name: string;
  /** Describes a good value, for the one-line error. */
  readonly expects: string;
  readonly defaultValue: T;
  /** A flag takes no value: present means true. */
  readonly flag?: boolean;
  /** Its value may hold a password (a URL with credentials): never repeated in an error. */
  readonly secret?: boolean;
  parse(raw: string): T | undefined;
}

export type ParsedOptions = { ok: true; values: Map<string, unknown>; positionals: string[] } | { ok: false; error: string };

/** PROTOCOL "Command line": a flag wins over the environment, the environment over the default. */
export function parseOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, specs: readonly OptionSpec[]): ParsedOptions {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const values = new Map<string, unknown>();
  const positionals: string[] = [];
  for (const spec of specs) {
    const raw = env[envName(spec.name)];
    if (raw === undefined || raw === '') continue;
    const value = spec.flag ? parseFlagValue(raw) : spec.parse(raw);
    if (value === undefined) return { ok: false, error: `${envName(spec.name)}: expected ${spec.flag ? 'true or false' : spec.expects}, got ${shown(spec, raw)}` };
    values.set(spec.name, value);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const spec = byName.get(name);
    if (spec === undefined) return { ok: false, error: `unknown option --${name}` };
    if (spec.flag) {
      if (equals !== -1) return { ok: false, error: `--${name} takes no value` };
      values.set(name, true);
      continue;
    }
    const raw = equals === -1 ? argv[++i] : arg.slice(equals + 1);
    if (raw === undefined) return { ok: false, error: `--${name} needs a value: ${spec.expects}` };
    const value = spec.parse(raw);
    if (value === undefined) return { ok: false, error: `--${name}: expected ${spec.expects}, got ${shown(spec, raw)}` };
    values.set(name, value);
  }
  for (const spec of specs) if (!values.has(spec.name)) values.set(spec.name, spec.defaultValue);
  return { ok: true, values, positionals };
}

function shown(spec: OptionSpec, raw: string): string {
  return spec.secret ? 'something else (not shown: it may hold a password)' : JSON.stringify(raw);
}

export function envName(option: string): string {
  return `LITSXG_${option.toUpperCase().replaceAll('-', '_')}`;
}

function parseFlagValue(raw: string): boolean | undefined {
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  return undefined;
}

export function integerOption(name: string, defaultValue: number, min: number, max = Number.MAX_SAFE_INTEGER): OptionSpec<number> {
  return {
    name, defaultValue, expects: `an integer from ${min} to ${max}`,
    parse: (raw) => (/^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : undefined),
  };
}

/** The longest duration a timer can hold (2^31 − 1 ms), in seconds. */
const MAX_SECONDS = 2_147_483;

/** Durations are plain seconds (PROTOCOL "Command line"); fractions are allowed. */
export function secondsOption(name: string, defaultValue: number): OptionSpec<number> {
  return {
    name, defaultValue, expects: `a positive number of seconds, at most ${MAX_SECONDS}`,
    parse: (raw) => (/^\d+(\.\d+)?$/.test(raw) && Number(raw) > 0 && Number(raw) <= MAX_SECONDS ? Number(raw) : undefined),
  };
}

export function choiceOption<T extends string>(name: string, choices: readonly T[], defaultValue: T): OptionSpec<T> {
  return {
    name, defaultValue, expects: `one of ${choices.join(', ')}`,
    parse: (raw) => (choices.includes(raw as T) ? (raw as T) : undefined),
  };
}

export function textOption<T extends string | undefined>(name: string, defaultValue: T, expects = 'a non-empty value', valid: (raw: string) => boolean = () => true, secret = false): OptionSpec<string | T> {
  return { name, defaultValue, expects, secret, parse: (raw) => (raw.length > 0 && valid(raw) ? raw : undefined) };
}

export function flagOption(name: string): OptionSpec<boolean> {
  return { name, defaultValue: false, flag: true, expects: 'no value', parse: () => true };
}

/** `HOST:PORT`, IPv6 hosts in brackets. */
export function endpointOption(name: string, defaultValue: string): OptionSpec<{ host: string; port: number }> {
  return {
    name, defaultValue: parseEndpoint(defaultValue)!, expects: 'HOST:PORT',
    parse: parseEndpoint,
  };
}

export function parseEndpoint(raw: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}
