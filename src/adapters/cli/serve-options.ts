import type { LogLevel } from '../../ports/logger.ts';
import type { OptionSpec } from './option-parser.ts';
import { choiceOption, flagOption, integerOption, parseOptions, secondsOption, textOption } from './option-parser.ts';

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
  readonly maxFrameBytes: number;
  readonly maxBodyBytes: number;
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

export const DATA_DIR_OPTION = textOption('data-dir', './data');
export const CREDENTIALS_OPTION = textOption('credentials', 'sqlite', 'sqlite or a postgres:// URL', (raw) => raw === 'sqlite' || /^postgres(ql)?:\/\//.test(raw), true);

const SPECS: readonly OptionSpec[] = [
  textOption('host', '127.0.0.1'),
  integerOption('port', 7770, 0, 65535),
  DATA_DIR_OPTION,
  choiceOption('registration', ['closed', 'open'] as const, 'closed'),
  CREDENTIALS_OPTION,
  choiceOption('buffer', ['memory', 'redis'] as const, 'memory'),
  textOption('redis-url', 'redis://127.0.0.1:6379', 'a redis:// URL', (raw) => /^rediss?:\/\//.test(raw), true),
  choiceOption('presence', ['memory', 'redis'] as const, 'memory'),
  flagOption('onion'),
  textOption('tor-control', undefined, 'HOST:PORT or a socket path'),
  textOption('tor-password', undefined, 'a non-empty value', undefined, true),
  integerOption('onion-port', 7770, 1, 65535),
  flagOption('onion-client-auth'),
  secondsOption('onion-down-exit', 0),
  choiceOption('onion-pow', ['on', 'off'] as const, 'on'),
  integerOption('onion-pow-queue-rate', 250, 1),
  integerOption('onion-pow-queue-burst', 2500, 1),
  integerOption('onion-max-streams', 32, 0, 65535),
  integerOption('max-frame-bytes', 65536, 256, 64 * 1024 * 1024),
  integerOption('max-body-bytes', 16384, 1),
  integerOption('queue-max-messages', 1000, 1),
  integerOption('queue-max-bytes', 4194304, 1),
  integerOption('buffer-max-bytes', 268435456, 1),
  secondsOption('message-ttl', 604800),
  secondsOption('auth-timeout', 10),
  secondsOption('idle-timeout', 300),
  integerOption('max-connections', 10000, 1),
  integerOption('send-rate', 100, 0),
  choiceOption('log-level', ['error', 'warn', 'info', 'debug'] as const, 'info'),
];

export function parseServeOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): { ok: true; options: ServeOptions } | { ok: false; error: string } {
  const parsed = parseOptions(argv, env, SPECS);
  if (!parsed.ok) return parsed;
  if (parsed.positionals.length > 0) return { ok: false, error: `unexpected argument ${JSON.stringify(parsed.positionals[0])}` };
  const get = <T>(name: string) => parsed.values.get(name) as T;
  const options: ServeOptions = {
    host: get('host'), port: get('port'), dataDir: get('data-dir'), registration: get('registration'),
    credentials: get('credentials'), buffer: get('buffer'), redisUrl: get('redis-url'), presence: get('presence'),
    onion: get('onion'), torControl: get('tor-control'), torPassword: get('tor-password'), onionPort: get('onion-port'),
    onionClientAuth: get('onion-client-auth'), onionDownExitMs: get<number>('onion-down-exit') * 1000, onionPow: get('onion-pow'),
    onionPowQueueRate: get('onion-pow-queue-rate'), onionPowQueueBurst: get('onion-pow-queue-burst'), onionMaxStreams: get('onion-max-streams'),
    maxFrameBytes: get('max-frame-bytes'), maxBodyBytes: get('max-body-bytes'),
    queueMaxMessages: get('queue-max-messages'), queueMaxBytes: get('queue-max-bytes'), bufferMaxBytes: get('buffer-max-bytes'),
    messageTtlMs: get<number>('message-ttl') * 1000, authTimeoutMs: get<number>('auth-timeout') * 1000,
    idleTimeoutMs: get<number>('idle-timeout') * 1000, maxConnections: get('max-connections'), sendRate: get('send-rate'),
    logLevel: get('log-level'),
  };
  return checkConsistency(options);
}

function checkConsistency(options: ServeOptions): { ok: true; options: ServeOptions } | { ok: false; error: string } {
  if (options.maxBodyBytes > options.maxFrameBytes) return { ok: false, error: '--max-body-bytes must not exceed --max-frame-bytes' };
  if (options.onion && options.torControl === undefined) return { ok: false, error: '--onion needs --tor-control HOST:PORT or a socket path' };
  if (options.onionClientAuth && !options.onion) return { ok: false, error: '--onion-client-auth needs --onion: it protects the onion the server publishes' };
  if (options.presence === 'redis' && options.buffer !== 'redis') return { ok: false, error: '--presence redis needs --buffer redis: instances acting as one share their queues' };
  return { ok: true, options };
}
