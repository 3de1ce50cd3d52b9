import { parseProxyUrl } from '../src/adapters/tor/connect-through.ts';
import { parseEndpoint } from '../src/adapters/cli/option-parser.ts';

export const WORKLOADS = ['pairs', 'offline', 'conns', 'logins', 'startup'] as const;
export type Workload = (typeof WORKLOADS)[number];
/** `redis`: the real server on a Redis the bench starts; `redis-pair`: two of them, senders on one, receivers on the other. */
export type Target = 'real' | 'bare' | 'server' | 'redis' | 'redis-pair';

export interface BenchOptions {
  workloads: Workload[];
  /** In the order of each run; `server` alone with `--server`. */
  targets: Target[];
  server: { host: string; port: number } | undefined;
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
  /** Extra node options for the started real server, to try runtime tuning. */
  nodeArgs: string[];
  json: boolean;
  help: boolean;
}

export const USAGE = `usage: litsxg bench [pairs|offline|conns|logins|startup ...] [options]
  --server HOST:PORT      measure a running server (its bench-* operators must exist, or registration be open)
  --proxy socks5://H:P    reach --server through Tor's SOCKS port
  --target both|real|bare servers to start when there is no --server (default both, alternating)
  --buffer redis          instead: the real server on its memory buffer, on a Redis the bench starts,
                          and two servers on that Redis with every message crossing (alternating)
  --runs N (3)  --seconds S (5)  --warmup S (1)
  --pairs P (50)  --window W (64)  --body-bytes B (100)
  --recipients R (100)  --per-recipient K (1000)  --offline-senders S (10)
  --conns C (1000)  --logins L (200)  --storm-after S (2)
  --password-file FILE    the bench operators' password (first line), with --server
  --login password|key    how operators log in (default password; key: a signature, no password hash)
  --data-dir DIR          keep the started server's data here (default: a temporary dir)
  --profile-dir DIR       run the started real server with node --cpu-prof into DIR
  --node-arg ARG          a node option for the started real server, after bin/node-options (repeatable)
  --json                  one JSON report on stdout`;

const INTEGERS = {
  '--runs': ['runs', 1, 99], '--pairs': ['pairs', 1, 5000], '--window': ['window', 1, 100_000],
  '--body-bytes': ['bodyBytes', 40, 16_384], '--recipients': ['recipients', 1, 100_000],
  '--per-recipient': ['perRecipient', 1, 1_000_000], '--offline-senders': ['offlineSenders', 1, 5000],
  '--conns': ['conns', 1, 100_000], '--logins': ['logins', 1, 10_000],
} as const;
const SECONDS = { '--seconds': 'seconds', '--warmup': 'warmup', '--storm-after': 'stormAfter' } as const;

/** The bench's command line; a string is the one-line error. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | string {
  const o: BenchOptions = {
    workloads: [], targets: ['real', 'bare'], server: undefined, buffer: 'memory', proxy: undefined, runs: 3, seconds: 5, warmup: 1,
    pairs: 50, window: 64, bodyBytes: 100, recipients: 100, perRecipient: 1000, offlineSenders: 10, conns: 1000,
    logins: 200, stormAfter: 2, passwordFile: undefined, login: 'password', dataDir: undefined, profileDir: undefined, nodeArgs: [], json: false, help: false,
  };
  let target: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (!(WORKLOADS as readonly string[]).includes(arg)) return `unknown workload "${arg}" (${WORKLOADS.join(', ')})`;
      if (!o.workloads.includes(arg as Workload)) o.workloads.push(arg as Workload);
      continue;
    }
    if (arg === '--json') o.json = true;
    else if (arg === '--help') o.help = true;
    else {
      const value = argv[++i];
      if (value === undefined) return `${arg} needs a value`;
      const error = setOption(o, arg, value, (t) => { target = t; });
      if (error !== undefined) return error;
    }
  }
  // `startup` measures servers the bench starts, so --server leaves it out.
  if (o.workloads.length === 0) o.workloads = WORKLOADS.filter((w) => o.server === undefined || w !== 'startup');
  if (o.server !== undefined) {
    if (target !== undefined) return '--target starts servers; it cannot go with --server';
    if (o.buffer === 'redis') return '--buffer redis starts servers; it cannot go with --server';
    if (o.workloads.includes('startup')) return 'startup measures servers the bench starts; it cannot go with --server';
    o.targets = ['server'];
  } else if (o.proxy !== undefined) return '--proxy needs --server';
  else if (o.buffer === 'redis') {
    if (target !== undefined) return '--buffer redis chooses the targets itself; it cannot go with --target';
    o.targets = ['real', 'redis', 'redis-pair'];
  } else if (target !== undefined) o.targets = target === 'both' ? ['real', 'bare'] : [target as Target];
  if (o.offlineSenders > o.pairs) o.offlineSenders = o.pairs;
  return o;
}

function setOption(o: BenchOptions, flag: string, value: string, setTarget: (t: string) => void): string | undefined {
  if (flag in INTEGERS) {
    const [key, min, max] = INTEGERS[flag as keyof typeof INTEGERS];
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) return `${flag} must be an integer from ${min} to ${max}, not "${value}"`;
    o[key] = n;
  } else if (flag in SECONDS) {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || n > 3600) return `${flag} must be a number of seconds up to 3600, not "${value}"`;
    o[SECONDS[flag as keyof typeof SECONDS]] = n;
  } else if (flag === '--server') {
    o.server = parseEndpoint(value);
    if (o.server === undefined) return `--server must be HOST:PORT, not "${value}"`;
  } else if (flag === '--proxy') {
    try {
      parseProxyUrl(value);
    } catch (error) {
      return (error as Error).message;
    }
    o.proxy = value;
  } else if (flag === '--target') {
    if (!['both', 'real', 'bare'].includes(value)) return `--target must be both, real or bare, not "${value}"`;
    setTarget(value);
  } else if (flag === '--buffer') {
    if (value !== 'memory' && value !== 'redis') return `--buffer must be memory or redis, not "${value}"`;
    o.buffer = value;
  } else if (flag === '--login') {
    if (value !== 'password' && value !== 'key') return `--login must be password or key, not "${value}"`;
    o.login = value;
  } else if (flag === '--password-file') o.passwordFile = value;
  else if (flag === '--data-dir') o.dataDir = value;
  else if (flag === '--profile-dir') o.profileDir = value;
  else if (flag === '--node-arg') {
    if (!value.startsWith('--')) return `--node-arg takes a node option such as --max-semi-space-size=32, not "${value}"`;
    o.nodeArgs.push(value);
  }
  else return `unknown option ${flag}`;
  return undefined;
}
