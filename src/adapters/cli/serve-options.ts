import type { LogLevel } from '../../ports/logger.ts';
import { parseCommandLine, type CommandLine, type ReadText } from './option-parser.ts';
import { choiceOption, defineCommand, flagOption, integerOption, secondsOption, textOption } from './option-spec.ts';

/** `serve`'s options (PROTOCOL "Command line"), durations already in milliseconds. */
export interface ServeOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly registration: 'open' | 'closed';
  /** `sqlite` (the file in the data dir) or a `postgres://` URL. */
  readonly credentials: string;
  readonly buffer: 'memory' | 'redis';
  readonly redisUrl: string;
  readonly presence: 'memory' | 'redis';
  readonly onion: boolean;
  readonly torControl: string | undefined;
  readonly torPassword: string | undefined;
  readonly onionPort: number;
  /** Only operators' keys reach the onion (tor's v3 client authorization). */
  readonly onionClientAuth: boolean;
  /** Exit (status 6) after the onion has been down this long; 0: never. */
  readonly onionDownExitMs: number;
  readonly onionPow: 'on' | 'off';
  readonly onionPowQueueRate: number;
  readonly onionPowQueueBurst: number;
  /** Streams per rendezvous circuit before tor closes it; 0: no bound. */
  readonly onionMaxStreams: number;
  /** The web client (docs/protocol.md "Web client"): its files and WebSocket on a port of their own. */
  readonly web: boolean;
  readonly webPort: number;
  /** One more origin whose pages may open the WebSocket (an onion published by a tor of its own). */
  readonly webOrigin: string | undefined;
  readonly maxFrameBytes: number;
  readonly maxBodyBytes: number;
  /** docs/protocol.md "Groups": upload bytes one connection may hold. */
  readonly maxHandshakeBytes: number;
  readonly queueMaxMessages: number;
  readonly queueMaxBytes: number;
  readonly bufferMaxBytes: number;
  readonly messageTtlMs: number;
  readonly authTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxConnections: number;
  readonly sendRate: number;
  readonly logLevel: LogLevel;
}

/** Shared with `operator`, which works on the same identities. */
export const IDENTITY_OPTIONS = {
  'data-dir': textOption('DIR', { default: './data', description: 'holds the credential database, the server id, the lock and the onion key; created when missing (0700)' }),
  credentials: textOption('sqlite|postgres://…', {
    default: 'sqlite', description: 'the identity store: sqlite in the data dir, or PostgreSQL shared by instances',
    expects: 'sqlite or a postgres:// URL', valid: (raw) => raw === 'sqlite' || /^postgres(ql)?:\/\//.test(raw), secret: true,
  }),
} as const;

const ONION = { option: 'onion' } as const;
const WEB = { option: 'web' } as const;
const REDIS_BUFFER = { option: 'buffer', equals: 'redis' } as const;

/** PROTOCOL "Command line", `serve`. Other helpers' options join here, with their `requires`. */
export const SERVE_COMMAND = defineCommand({
  name: 'serve',
  usage: 'serve [options]',
  summary: 'Runs the relay: listens, authenticates operators and routes their messages.',
  environment: true,
  configOption: 'config',
  options: {
    config: textOption('FILE', { default: undefined, description: 'a TOML file of these options, keyed by their long names (port = 7770, onion-client-auth = true)' }),
    host: textOption('HOST', { default: '127.0.0.1', description: 'address to listen on' }),
    port: integerOption(0, 65535, { default: '7770', description: 'port; 0 picks a free one' }),
    ...IDENTITY_OPTIONS,
    registration: choiceOption(['closed', 'open'], { default: 'closed', description: 'open lets anyone who reaches the server register' }),
    buffer: choiceOption(['memory', 'redis'], { default: 'memory', description: 'where queues live' }),
    'redis-url': textOption('URL', {
      default: 'redis://127.0.0.1:6379', description: 'the Redis for --buffer redis and --presence redis',
      expects: 'a redis:// URL', valid: (raw) => /^rediss?:\/\//.test(raw), secret: true, requires: REDIS_BUFFER,
    }),
    presence: choiceOption(['memory', 'redis'], { default: 'memory', description: 'redis: instances sharing one Redis act as one server (needs --buffer redis)' }),
    onion: flagOption('publish an onion service through Tor\'s control port (needs --tor-control)'),
    'tor-control': textOption('HOST:PORT|PATH', { default: undefined, description: 'Tor\'s control port, or its socket path', expects: 'HOST:PORT or a socket path', requires: ONION }),
    'tor-password': textOption('PASSWORD', { default: undefined, description: 'control-port password, when Tor uses HashedControlPassword', secret: true, requires: ONION }),
    'onion-port': integerOption(1, 65535, { default: '7770', description: 'the port the onion offers, mapped to where the server listens', requires: ONION }),
    'onion-client-auth': flagOption('admit only operators to the onion: tor gives its descriptor only to holders of an operator\'s client-authorization key', ONION),
    'onion-down-exit': secondsOption({ default: '0', description: 'exit (status 6) after the onion has been down this many seconds; 0 never', requires: ONION }, { min: 'zero' }),
    'onion-pow': choiceOption(['on', 'off'], { default: 'on', description: 'tor\'s proof-of-work defence against introduction floods, where tor supports it', requires: ONION }),
    'onion-pow-queue-rate': integerOption(1, Number.MAX_SAFE_INTEGER, { default: '250', description: 'introductions per second tor takes from the proof-of-work queue', requires: ONION }),
    'onion-pow-queue-burst': integerOption(1, Number.MAX_SAFE_INTEGER, { default: '2500', description: 'burst of introductions tor takes from the proof-of-work queue', requires: ONION }),
    'onion-max-streams': integerOption(0, 65535, { default: '32', description: 'streams per rendezvous circuit before tor closes the circuit; 0 no bound', requires: ONION }),
    web: flagOption('serve the web client (its files and a WebSocket) on --web-port, and as port 80 of the onion'),
    'web-port': integerOption(0, 65535, { default: '7780', description: 'the web client\'s port, on --host; 0 picks a free one', requires: WEB }),
    'web-origin': textOption('ORIGIN', {
      default: undefined, description: 'one more origin whose pages may open the WebSocket, as http://xxx.onion (a tor of its own publishes the onion)',
      expects: 'an origin like http://xxx.onion', valid: (raw) => /^https?:\/\/[a-z0-9.-]+(:\d+)?$/.test(raw), requires: WEB,
    }),
    'max-frame-bytes': integerOption(256, 64 * 1024 * 1024, { default: '65536', description: 'longest line, newline included' }),
    'max-body-bytes': integerOption(1, Number.MAX_SAFE_INTEGER, { default: '16384', description: 'longest message body, in UTF-8 bytes' }),
    'max-handshake-bytes': integerOption(1, Number.MAX_SAFE_INTEGER, { default: '1048576', description: 'MLS handshake upload bytes one connection may hold (group commits and welcomes)' }),
    'queue-max-messages': integerOption(1, Number.MAX_SAFE_INTEGER, { default: '1000', description: 'messages waiting per recipient' }),
    'queue-max-bytes': integerOption(1, Number.MAX_SAFE_INTEGER, { default: '4194304', description: 'body bytes waiting per recipient' }),
    'buffer-max-bytes': integerOption(1, Number.MAX_SAFE_INTEGER, { default: '268435456', description: 'body bytes waiting in the whole server' }),
    'message-ttl': secondsOption({ default: '604800', description: 'seconds a message waits before it is dropped' }),
    'auth-timeout': secondsOption({ default: '10', description: 'seconds to authenticate after connecting' }),
    'idle-timeout': secondsOption({ default: '300', description: 'seconds an authenticated connection may stay silent' }),
    'max-connections': integerOption(1, Number.MAX_SAFE_INTEGER, { default: '10000', description: 'beyond it new connections get server_busy' }),
    'send-rate': integerOption(0, Number.MAX_SAFE_INTEGER, { default: '100', description: 'messages per second per sender, bursts up to twice that; 0 for no limit' }),
    'log-level': choiceOption(['error', 'warn', 'info', 'debug'] satisfies LogLevel[], { default: 'info', description: 'the least severe level logged' }),
  },
});

export type ServeCommandLine =
  | { readonly kind: 'run'; readonly options: ServeOptions }
  | Exclude<CommandLine<typeof SERVE_COMMAND.options>, { kind: 'run' }>;

export function parseServeOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, readText?: ReadText): ServeCommandLine {
  const parsed = parseCommandLine(SERVE_COMMAND, argv, env, readText);
  if (parsed.kind !== 'run') return parsed;
  if (parsed.positionals.length > 0) return { kind: 'error', message: `unexpected argument ${JSON.stringify(parsed.positionals[0])}` };
  const v = parsed.values;
  const options: ServeOptions = {
    host: v.host, port: v.port, dataDir: v['data-dir'], registration: v.registration, credentials: v.credentials,
    buffer: v.buffer, redisUrl: v['redis-url'], presence: v.presence,
    onion: v.onion, torControl: v['tor-control'], torPassword: v['tor-password'], onionPort: v['onion-port'],
    onionClientAuth: v['onion-client-auth'], onionDownExitMs: v['onion-down-exit'] * 1000, onionPow: v['onion-pow'],
    onionPowQueueRate: v['onion-pow-queue-rate'], onionPowQueueBurst: v['onion-pow-queue-burst'], onionMaxStreams: v['onion-max-streams'],
    web: v.web, webPort: v['web-port'], webOrigin: v['web-origin'],
    maxFrameBytes: v['max-frame-bytes'], maxBodyBytes: v['max-body-bytes'], maxHandshakeBytes: v['max-handshake-bytes'], queueMaxMessages: v['queue-max-messages'],
    queueMaxBytes: v['queue-max-bytes'], bufferMaxBytes: v['buffer-max-bytes'],
    messageTtlMs: v['message-ttl'] * 1000, authTimeoutMs: v['auth-timeout'] * 1000, idleTimeoutMs: v['idle-timeout'] * 1000,
    maxConnections: v['max-connections'], sendRate: v['send-rate'], logLevel: v['log-level'],
  };
  const inconsistency = checkConsistency(options);
  return inconsistency === undefined ? { kind: 'run', options } : { kind: 'error', message: inconsistency };
}

/** Rules that bind values rather than an option's presence (those are `requires` in the spec). */
function checkConsistency(options: ServeOptions): string | undefined {
  if (options.maxBodyBytes > options.maxFrameBytes) return '--max-body-bytes must not exceed --max-frame-bytes';
  if (options.onion && options.torControl === undefined) return '--onion needs --tor-control HOST:PORT or a socket path';
  if (options.web && options.webPort !== 0 && options.webPort === options.port) return '--web-port must differ from --port';
  if (options.web && options.onion && options.onionPort === 80) return '--onion-port 80 is the web client\'s with --web: keep the default 7770';
  if (options.presence === 'redis' && options.buffer !== 'redis') return '--presence redis needs --buffer redis: instances acting as one share their queues';
  return undefined;
}
