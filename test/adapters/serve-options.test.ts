import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseEndpoint } from '../../src/adapters/cli/option-spec.ts';
import { commandHelp } from '../../src/adapters/cli/command-help.ts';
import { parseServeOptions, SERVE_COMMAND } from '../../src/adapters/cli/serve-options.ts';

const parse = (argv: string[], env: Record<string, string> = {}) => parseServeOptions(argv, env);

test('defaults are those of PROTOCOL.md, durations in milliseconds', () => {
  const result = parse([]);
  assert.is(result.kind, 'run');
  assert.equal(result.kind === 'run' && result.options, {
    host: '127.0.0.1', port: 7770, dataDir: './data', registration: 'closed', credentials: 'sqlite', buffer: 'memory',
    redisUrl: 'redis://127.0.0.1:6379', presence: 'memory', onion: false, torControl: undefined, torPassword: undefined,
    onionPort: 7770, onionClientAuth: false, onionDownExitMs: 0, onionPow: 'on', onionPowQueueRate: 250, onionPowQueueBurst: 2500,
    onionMaxStreams: 32, web: false, webPort: 7780, webOrigin: undefined, maxFrameBytes: 65536, maxBodyBytes: 16384, maxHandshakeBytes: 1048576, queueMaxMessages: 1000, queueMaxBytes: 4194304,
    bufferMaxBytes: 268435456, messageTtlMs: 604800000, authTimeoutMs: 10000, idleTimeoutMs: 300000,
    maxConnections: 10000, sendRate: 100, logLevel: 'info',
  });
});

test('the environment sets options and a flag wins over it', () => {
  const env = { LITSXG_PORT: '9000', LITSXG_DATA_DIR: '/srv/litsxg', LITSXG_IDLE_TIMEOUT: '2.5', LITSXG_ONION: 'false' };
  const fromEnv = parse([], env);
  assert.equal(fromEnv.kind === 'run' && [fromEnv.options.port, fromEnv.options.dataDir, fromEnv.options.idleTimeoutMs, fromEnv.options.onion], [9000, '/srv/litsxg', 2500, false]);
  const flagWins = parse(['--port', '0', '--data-dir=/tmp/x'], env);
  assert.equal(flagWins.kind === 'run' && [flagWins.options.port, flagWins.options.dataDir], [0, '/tmp/x']);
});

test('the onion options: client authorization, down-exit, PoW and the stream bound, each only with --onion', () => {
  const result = parse(['--onion', '--tor-control', '9051', '--onion-client-auth', '--onion-down-exit', '600', '--onion-pow', 'off',
    '--onion-pow-queue-rate', '50', '--onion-pow-queue-burst', '500', '--onion-max-streams', '0']);
  assert.equal(result.kind === 'run' && [result.options.onionClientAuth, result.options.onionDownExitMs, result.options.onionPow,
    result.options.onionPowQueueRate, result.options.onionPowQueueBurst, result.options.onionMaxStreams], [true, 600_000, 'off', 50, 500, 0]);
  const bad = parse(['--onion', '--tor-control', '9051', '--onion-max-streams', '70000']);
  assert.equal(bad.kind === 'error' ? bad.message : bad.kind, '--onion-max-streams: expected an integer from 0 to 65535, got "70000"');
  for (const option of ['--onion-client-auth', '--onion-down-exit=60', '--onion-pow=off', '--onion-pow-queue-rate=5', '--onion-pow-queue-burst=5', '--onion-max-streams=5']) {
    const alone = parse([option]);
    assert.equal(alone.kind === 'error' ? alone.message : alone.kind, `${option.split('=')[0]} only takes effect with --onion`);
  }
});

test('unknown options and bad values are one clear line', () => {
  const cases: [string[], Record<string, string>, RegExp][] = [
    [['--prot', '1'], {}, /^unknown option --prot$/],
    [['--port', '70000'], {}, /^--port: expected an integer from 0 to 65535, got "70000"$/],
    [['--port'], {}, /^--port needs a value/],
    [['--registration', 'maybe'], {}, /one of closed, open/],
    [['--auth-timeout', '-1'], {}, /positive number of seconds/],
    [['--log-level', 'loud'], {}, /one of error, warn, info, debug/],
    [['--onion'], {}, /--onion needs --tor-control/],
    [['--max-body-bytes', '100000'], {}, /must not exceed --max-frame-bytes/],
    [['--presence', 'redis'], {}, /needs --buffer redis/],
    [['--credentials', 'mysql://x'], {}, /sqlite or a postgres/],
    [[], { LITSXG_SEND_RATE: 'fast' }, /^LITSXG_SEND_RATE: expected an integer/],
    [['extra'], {}, /unexpected argument "extra"/],
  ];
  for (const [argv, env, pattern] of cases) {
    const result = parse(argv, env);
    assert.is(result.kind, 'error', argv.join(' '));
    const message = result.kind === 'error' ? result.message : '';
    assert.match(message, pattern);
    assert.not.ok(message.includes('\n'), message);
  }
});

test('--web: its port, one more origin, each only with --web, and no port clash', () => {
  const result = parse(['--web', '--web-port', '8080', '--web-origin', 'http://abc.onion']);
  assert.equal(result.kind === 'run' && [result.options.web, result.options.webPort, result.options.webOrigin], [true, 8080, 'http://abc.onion']);
  const plain = parse([]);
  assert.equal(plain.kind === 'run' && [plain.options.web, plain.options.webPort], [false, 7780]);
  const cases: [string[], string][] = [
    [['--web-port', '8080'], '--web-port only takes effect with --web'],
    [['--web', '--web-origin', 'http://a.onion/path'], '--web-origin: expected an origin like http://xxx.onion, got "http://a.onion/path"'],
    [['--web', '--web-port', '7770'], '--web-port must differ from --port'],
    [['--web', '--onion', '--tor-control', '9051', '--onion-port', '80'], '--onion-port 80 is the web client\'s with --web: keep the default 7770'],
  ];
  for (const [argv, expected] of cases) {
    const bad = parse(argv);
    assert.is(bad.kind === 'error' ? bad.message : bad.kind, expected);
  }
});

test('an option that cannot take effect is refused (issue 11.3)', () => {
  const cases: [string[], Record<string, string>, string][] = [
    [['--tor-control', '127.0.0.1:9051'], {}, '--tor-control only takes effect with --onion'],
    [[], { LITSXG_TOR_PASSWORD: 'x' }, 'LITSXG_TOR_PASSWORD only takes effect with --onion'],
    [['--onion-port', '80'], {}, '--onion-port only takes effect with --onion'],
    [['--redis-url', 'redis://127.0.0.1:1'], {}, '--redis-url only takes effect with --buffer redis'],
  ];
  for (const [argv, env, expected] of cases) {
    const result = parse(argv, env);
    assert.is(result.kind === 'error' ? result.message : result.kind, expected);
  }
  const together = parse(['--onion', '--tor-control', '/run/tor/control', '--onion-port', '80', '--buffer', 'redis', '--redis-url', 'redis://h:1']);
  assert.equal(together.kind === 'run' && [together.options.onionPort, together.options.redisUrl], [80, 'redis://h:1']);
});

test('values that may hold a password are never repeated in an error', () => {
  for (const argv of [['--credentials', 'mysql://admin:hunter2@db'], ['--redis-url', 'http://:hunter2@cache']]) {
    const result = parse(argv);
    assert.is(result.kind, 'error');
    const message = result.kind === 'error' ? result.message : '';
    assert.not.ok(message.includes('hunter2'), message);
  }
});

test('a duration a timer cannot hold is refused', () => {
  assert.is(parse(['--auth-timeout', '3000000']).kind, 'error');
  assert.is(parse(['--message-ttl', '2000000']).kind, 'run');
});

test('endpoints are HOST:PORT, IPv6 in brackets', () => {
  assert.equal(parseEndpoint('127.0.0.1:7770'), { host: '127.0.0.1', port: 7770 });
  assert.equal(parseEndpoint('[::1]:80'), { host: '::1', port: 80 });
  assert.equal(parseEndpoint('abc.onion:7770'), { host: 'abc.onion', port: 7770 });
  for (const bad of ['host', 'host:0', 'host:99999', ':80', '::1:80']) assert.is(parseEndpoint(bad), undefined, bad);
});

/** `serve --config litsxg.toml` over a file held in memory. */
const withFile = (text: string, argv: string[] = [], env: Record<string, string> = {}) =>
  parseServeOptions(['--config', 'litsxg.toml', ...argv], env, (path) => {
    if (path !== 'litsxg.toml') throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return text;
  });
const refusal = (result: ReturnType<typeof parse>) => (result.kind === 'error' ? result.message : `not an error: ${result.kind}`);

test('a configuration file sets options by their long names; flag, then environment, then file, then default (issue 22)', () => {
  const file = 'port = 7001\nhost = "127.0.0.2"\nidle-timeout = 0.5\n# a comment\nregistration = "open"\n';
  const fromFile = withFile(file);
  assert.equal(fromFile.kind === 'run' && [fromFile.options.port, fromFile.options.host, fromFile.options.idleTimeoutMs, fromFile.options.registration, fromFile.options.sendRate],
    [7001, '127.0.0.2', 500, 'open', 100]);
  const layered = withFile(file, ['--port', '7003'], { LITSXG_PORT: '7002', LITSXG_HOST: '127.0.0.3' });
  assert.equal(layered.kind === 'run' && [layered.options.port, layered.options.host, layered.options.registration], [7003, '127.0.0.3', 'open']);
  const viaEnv = parseServeOptions([], { LITSXG_CONFIG: 'x.toml' }, () => 'onion = true\ntor-control = "/run/tor/control"\nonion-client-auth = true\n');
  assert.equal(viaEnv.kind === 'run' && [viaEnv.options.onion, viaEnv.options.onionClientAuth], [true, true]);
});

test('unknown keys and bad values are refused in one line naming the file, the line and the key', () => {
  const cases: [string, string][] = [
    ['\nportt = 1\n', 'litsxg.toml:2: portt: unknown key: did you mean port?'],
    ['port = 70000', 'litsxg.toml:1: port: expected an integer from 0 to 65535, got 70000'],
    ['port = "seven"', 'litsxg.toml:1: port: expected an integer from 0 to 65535, got "seven"'],
    ['onion = "yes"', 'litsxg.toml:1: onion: expected true or false, got "yes"'],
    ['log-level = true', 'litsxg.toml:1: log-level: expected one of error, warn, info, debug, got true'],
    ['config = "other.toml"', 'litsxg.toml:1: config: a configuration file cannot name another'],
    ['# two\n\n[onion]\nx = 1', 'litsxg.toml:3: onion: expected true or false, got {"x":1}'],
    ['tor-control = "/run/tor/control"', 'litsxg.toml:1: tor-control only takes effect with --onion'],
    ['port = 1\nport = 2', 'litsxg.toml:2: trying to redefine an already defined table or value'],
    ['port =', 'litsxg.toml:1: invalid value'],
    ['credentials = "mysql://admin:hunter2@db"', 'litsxg.toml:1: credentials: expected sqlite or a postgres:// URL, got something else (not shown: it may hold a password)'],
  ];
  for (const [text, expected] of cases) assert.is(refusal(withFile(text)), expected, text);
  assert.is(refusal(withFile('port = 70000', ['--port', '1'])), 'litsxg.toml:1: port: expected an integer from 0 to 65535, got 70000', 'overridden, still checked');
  assert.is(refusal(parseServeOptions(['--config', 'missing.toml'], {}, () => { throw new Error('ENOENT: no such file or directory, open \'missing.toml\''); })),
    '--config: cannot read missing.toml: no such file or directory');
});

test('--help names each option\'s file key, and the order in which the sources win', () => {
  const help = commandHelp(SERVE_COMMAND);
  assert.match(help, /\n {2}--port N +port; 0 picks a free one \(default 7770; env LITSXG_PORT; file key port\)\n/);
  assert.match(help, /\n {2}--config FILE +.*\(env LITSXG_CONFIG\)\n/);
  assert.match(help, /A flag wins over the environment, the environment over the file \(--config\), the file over the default\./);
});

test('the example configuration file parses, and sets what it says', () => {
  const text = readFileSync('docs/litsxg.example.toml', 'utf8');
  const result = parseServeOptions(['--config', 'docs/litsxg.example.toml'], {});
  assert.is(refusal(result), 'not an error: run');
  assert.equal(result.kind === 'run' && [result.options.dataDir, result.options.onionClientAuth, result.options.onionDownExitMs], ['/var/lib/litsxg', true, 600_000]);
  assert.match(text, /^data-dir = "\/var\/lib\/litsxg"$/m);
});

test.run();
