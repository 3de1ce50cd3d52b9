/**
 * One command-line option, as `parseCommandLine` reads it and `commandHelp` describes it: the
 * key it is declared under is its name (`--data-dir`, `LITSXG_DATA_DIR` in the environment).
 */
interface OptionBase {
  /** One line for `--help`. */
  readonly description: string;
  /**
   * PROTOCOL "Command line": an option that cannot take effect is a usage error. Given (by flag
   * or environment) while `option` is not set, or not set to `equals`, the command line is refused.
   */
  readonly requires?: Requirement;
  /** Its value may hold a password (a URL with credentials): never repeated in an error. */
  readonly secret?: boolean;
}

export interface Requirement {
  readonly option: string;
  /** The value `option` must have; without it, a flag must be on or a value given. */
  readonly equals?: string;
  /** Turns it round: meaningful only while `option` is off or not given. */
  readonly absent?: true;
}

/** `--onion`, `--buffer redis`, `no --server`: how a requirement reads in errors and help. */
export function describeRequirement(requirement: Requirement): string {
  const option = `--${requirement.option}${requirement.equals === undefined ? '' : ` ${requirement.equals}`}`;
  return requirement.absent ? `without ${option}` : `with ${option}`;
}

/** Present means true; `LITSXG_NAME` takes 1/0, true/false, yes/no, on/off. */
export interface FlagOption extends OptionBase {
  readonly kind: 'flag';
}

export interface ValueOption<T> extends OptionBase {
  readonly kind: 'value';
  /** Describes a good value, for the one-line error. */
  readonly expects: string;
  /** The value's name in `--help` (`N`, `HOST:PORT`). */
  readonly placeholder: string;
  /** As it would be typed; parsed like a given value. Without one the value is `undefined`. */
  readonly default: string | undefined;
  parse(raw: string): T | undefined;
}

/** Repeatable, from flags only: `--node-arg A --node-arg B`. */
export interface ListOption<T> extends OptionBase {
  readonly kind: 'list';
  readonly expects: string;
  readonly placeholder: string;
  parse(raw: string): T | undefined;
}

/** A command's name, its usage line and its options: what it parses and what `--help` shows. */
export interface CommandSpec<S extends OptionSpecs> {
  readonly name: string;
  /** After `usage: litsxg `, e.g. `client NAME [options]`. */
  readonly usage: string;
  readonly summary: string;
  readonly options: S;
  /** Reads `LITSXG_*` too; the bench does not (a server's LITSXG_DATA_DIR is not the bench's). */
  readonly environment: boolean;
  /** Extra lines for `--help` (variables read outside the options, say). */
  readonly notes?: readonly string[];
  /** The option naming a TOML file of options (`serve --config`), below the environment, above the defaults. */
  readonly configOption?: string;
  /** Its first word picks what it does (`operator add`): `operator add --help` is that word's help. */
  readonly subcommands?: Readonly<Record<string, Subcommand>>;
}

export interface Subcommand<O extends string = string> {
  /** After `usage: litsxg `, e.g. `operator add NAME [options]`. */
  readonly usage: string;
  readonly summary: string;
  /** The options it reads: its `--help` lists only these. */
  readonly options: readonly O[];
}

/** Declares a command, keeping each option's own type; a subcommand names only options of the command. */
export function defineCommand<S extends OptionSpecs>(
  command: CommandSpec<S> & { readonly configOption?: NoInfer<keyof S & string>; readonly subcommands?: Readonly<Record<string, Subcommand<NoInfer<keyof S & string>>>> },
): CommandSpec<S> {
  return command;
}

export function envName(option: string): string {
  return `LITSXG_${option.toUpperCase().replaceAll('-', '_')}`;
}

export type AnyOption = FlagOption | ValueOption<unknown> | ListOption<unknown>;
export type OptionSpecs = Readonly<Record<string, AnyOption>>;

/** What parsing a spec yields, typed per option. */
export type OptionValues<S extends OptionSpecs> = {
  readonly [K in keyof S]: S[K] extends FlagOption ? boolean
    : S[K] extends ListOption<infer T> ? T[]
      : S[K] extends ValueOption<infer T> ? T : never;
};

interface About<D extends string | undefined> {
  readonly description: string;
  readonly default: D;
  readonly requires?: Requirement;
  readonly secret?: boolean;
}
type Defaulted<T, D> = ValueOption<D extends string ? T : T | undefined>;

export function valueOption<T, D extends string | undefined>(
  expects: string, placeholder: string, parse: (raw: string) => T | undefined, about: About<D>,
): Defaulted<T, D> {
  return { kind: 'value', expects, placeholder, parse, ...about } as Defaulted<T, D>;
}

export function flagOption(description: string, requires?: Requirement): FlagOption {
  return { kind: 'flag', description, ...(requires === undefined ? {} : { requires }) };
}

export function integerOption<D extends string | undefined>(min: number, max: number, about: About<D>): Defaulted<number, D> {
  return valueOption(`an integer from ${min} to ${max}`, 'N',
    (raw) => (/^\d+$/.test(raw) && Number(raw) >= min && Number(raw) <= max ? Number(raw) : undefined), about);
}

/** The longest duration a timer can hold (2^31 − 1 ms), in seconds. */
const MAX_SECONDS = 2_147_483;

/** Durations are plain seconds (PROTOCOL "Command line"); fractions are allowed. */
export function secondsOption<D extends string | undefined>(about: About<D>, limits: { min?: 'zero' | 'positive'; max?: number } = {}): Defaulted<number, D> {
  const max = limits.max ?? MAX_SECONDS;
  const zero = limits.min === 'zero';
  return valueOption(`a ${zero ? '' : 'positive '}number of seconds, at most ${max}`, 'SECONDS', (raw) => {
    const seconds = Number(raw);
    return /^\d+(\.\d+)?$/.test(raw) && (zero || seconds > 0) && seconds <= max ? seconds : undefined;
  }, about);
}

export function choiceOption<const C extends string, D extends C | undefined>(choices: readonly C[], about: About<D>): Defaulted<C, D> {
  return valueOption(`one of ${choices.join(', ')}`, choices.join('|'),
    (raw) => (choices.includes(raw as C) ? (raw as C) : undefined), about);
}

/** A non-empty string that `valid` accepts. */
export function textOption<D extends string | undefined>(
  placeholder: string, about: About<D> & { expects?: string; valid?: (raw: string) => boolean },
): Defaulted<string, D> {
  const { expects = 'a non-empty value', valid = () => true, ...rest } = about;
  return valueOption(expects, placeholder, (raw) => (raw.length > 0 && valid(raw) ? raw : undefined), rest);
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** `HOST:PORT`, IPv6 hosts in brackets. */
export function endpointOption<D extends string | undefined>(about: About<D>): Defaulted<Endpoint, D> {
  return valueOption('HOST:PORT', 'HOST:PORT', parseEndpoint, about);
}

export function parseEndpoint(raw: string): Endpoint | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(raw);
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? match[2])!, port };
}

export function listOption<T>(expects: string, placeholder: string, parse: (raw: string) => T | undefined, description: string, requires?: Requirement): ListOption<T> {
  return { kind: 'list', expects, placeholder, parse, description, ...(requires === undefined ? {} : { requires }) };
}
