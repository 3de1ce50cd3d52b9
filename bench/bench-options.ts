import type { CommandLine } from '../src/adapters/cli/option-parser.ts';
import { parseCommandLine } from '../src/adapters/cli/option-parser.ts';
import type { Endpoint } from '../src/adapters/cli/option-spec.ts';
import { choiceOption, defineCommand, endpointOption, flagOption, integerOption, listOption, secondsOption, textOption } from '../src/adapters/cli/option-spec.ts';
import { REMOTE_OPTIONS } from '../src/adapters/cli/remote-options.ts';

export const WORKLOADS = ['pairs', 'offline', 'conns', 'logins', 'startup', 'groups'] as const;
/** Run only when named: `groups` measures what only the real server does (docs/protocol.md "Groups"). */
const NAMED_ONLY: readonly Workload[] = ['groups'];
export type Workload = (typeof WORKLOADS)[number];
/** `redis`: the real server on a Redis the bench starts; `redis-pair`: two of them, senders on one, receivers on the other. */
export type Target = 'real' | 'bare' | 'server' | 'redis' | 'redis-pair';

export interface BenchOptions {
  workloads: Workload[];
  /** In the order of each run; `server` alone with `--server`. */
  targets: Target[];
  server: Endpoint | undefined;
  /** `redis`: the started servers are measured on their memory buffer and, alternating, on Redis. */
  buffer: 'memory' | 'redis';
  proxy: string | undefined;
  runs: number;
  seconds: number;
  warmup: number;
  pairs: number;
  window: number;
  bodyBytes: number;
  recipients: number;
  perRecipient: number;
  offlineSenders: number;
  conns: number;
  logins: number;
  stormAfter: number;
  passwordFile: string | undefined;
  /** How the bench operators log in (`--login key` signs the server's challenge with a published key). */
  login: 'password' | 'key';
  dataDir: string | undefined;
  profileDir: string | undefined;
  /** Started servers on one core, the bench's clients (and Redis) on another (taskset). */
  pin: boolean;
  /** Extra node options for the started real server, to try runtime tuning. */
  nodeArgs: string[];
  json: boolean;
}

const STARTED = { option: 'server', absent: true } as const;
const count = (max: number, fallback: string, description: string) => integerOption(1, max, { default: fallback, description });
const seconds = (fallback: string, description: string) => secondsOption({ default: fallback, description }, { min: 'zero', max: 3600 });

export const BENCH_COMMAND = defineCommand({
  name: 'bench',
  usage: `bench [${WORKLOADS.join('|')} ...] [options]`,
  summary: 'Measures the server against the bare reference relay, in alternating runs (docs/performance.md).',
  // A server's LITSXG_DATA_DIR in the environment is not the bench's.
  environment: false,
  options: {
    server: endpointOption({ default: undefined, description: 'measure a running server (its bench-* operators must exist, or registration be open)' }),
    proxy: { ...REMOTE_OPTIONS.proxy, description: 'reach --server through Tor\'s SOCKS port', requires: { option: 'server' } },
    target: choiceOption(['both', 'real', 'bare'], { default: undefined, description: 'servers to start, alternating (without it: both)', requires: STARTED }),
    buffer: choiceOption(['memory', 'redis'], {
      default: 'memory', requires: STARTED,
      description: 'redis: the real server on its memory buffer, on a Redis the bench starts, and two servers on that Redis with every message crossing (alternating; not with --target)',
    }),
    runs: count(99, '3', 'runs per target'),
    seconds: seconds('5', 'measured seconds per run'),
    warmup: seconds('1', 'seconds before measuring'),
    pairs: count(5000, '50', 'sender-receiver pairs'),
    window: count(100_000, '64', 'messages in flight per sender'),
    'body-bytes': integerOption(40, 16_384, { default: '100', description: 'bytes per message body' }),
    recipients: count(100_000, '100', 'offline recipients (offline)'),
    'per-recipient': count(1_000_000, '1000', 'messages queued per offline recipient (offline)'),
    'offline-senders': count(5000, '10', 'senders filling the offline queues, at most --pairs'),
    conns: count(100_000, '1000', 'idle connections (conns)'),
    logins: count(10_000, '200', 'logins in the storm (logins)'),
    'storm-after': seconds('2', 'seconds of pairs traffic before the login storm'),
    'password-file': textOption('FILE', { default: undefined, description: 'the bench operators\' password (first line)' }),
    login: choiceOption(['password', 'key'], { default: 'password', description: 'how operators log in (key: a signature, no password hash)' }),
    'data-dir': textOption('DIR', { default: undefined, description: 'keep the started server\'s data here (default: a temporary dir)', requires: STARTED }),
    'profile-dir': textOption('DIR', { default: undefined, description: 'run the started real server with node --cpu-prof into DIR', requires: STARTED }),
    'node-arg': listOption('a node option such as --max-semi-space-size=32', 'ARG', (raw) => (raw.startsWith('--') ? raw : undefined),
      'a node option for the started real server, after bin/node-options', STARTED),
    pin: flagOption('the started servers on CPU 0, the bench\'s clients and Redis on CPU 1 (taskset), as on a host that gives the server one core', STARTED),
    json: flagOption('one JSON report on stdout'),
  },
});

/** The bench's command line, or the help or usage error it earned. */
export function parseBenchOptions(argv: readonly string[]): { kind: 'run'; options: BenchOptions } | Exclude<CommandLine<typeof BENCH_COMMAND.options>, { kind: 'run' }> {
  const parsed = parseCommandLine(BENCH_COMMAND, argv, {});
  if (parsed.kind !== 'run') return parsed;
  const workloads: Workload[] = [];
  for (const word of parsed.positionals) {
    if (!(WORKLOADS as readonly string[]).includes(word)) return { kind: 'error', message: `unknown workload ${JSON.stringify(word)} (${WORKLOADS.join(', ')})` };
    if (!workloads.includes(word as Workload)) workloads.push(word as Workload);
  }
  const v = parsed.values;
  if (v.server !== undefined && workloads.includes('startup')) return { kind: 'error', message: 'startup measures servers the bench starts; it cannot go with --server' };
  if (v.buffer === 'redis' && v.target !== undefined) return { kind: 'error', message: '--buffer redis chooses the targets itself; it cannot go with --target' };
  const options: BenchOptions = {
    // `startup` measures servers the bench starts, so --server leaves it out.
    workloads: workloads.length === 0 ? WORKLOADS.filter((w) => !NAMED_ONLY.includes(w) && (v.server === undefined || w !== 'startup')) : workloads,
    targets: v.server !== undefined ? ['server'] : v.buffer === 'redis' ? ['real', 'redis', 'redis-pair'] : v.target === undefined || v.target === 'both' ? ['real', 'bare'] : [v.target],
    server: v.server, buffer: v.buffer, proxy: v.proxy, runs: v.runs, seconds: v.seconds, warmup: v.warmup, pairs: v.pairs, window: v.window,
    bodyBytes: v['body-bytes'], recipients: v.recipients, perRecipient: v['per-recipient'],
    offlineSenders: Math.min(v['offline-senders'], v.pairs), conns: v.conns, logins: v.logins, stormAfter: v['storm-after'],
    passwordFile: v['password-file'], login: v.login, dataDir: v['data-dir'], profileDir: v['profile-dir'], pin: v.pin, nodeArgs: v['node-arg'], json: v.json,
  };
  return { kind: 'run', options };
}
