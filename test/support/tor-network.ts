import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TorControlConnection } from '../../src/adapters/tor/tor-control-connection.ts';
import { authenticateTorControl } from '../../src/adapters/tor/tor-control-authenticator.ts';
import { freePort } from '../../bench/free-port.ts';
import { startTor, type TorProcess } from './tor-process.ts';

/**
 * A private Tor network on 127.0.0.1: 3 directory authorities (also relays), 2 relays, an
 * onion-service tor (its control port is for the server under test) and a client tor (its
 * SOCKS port is for `health --proxy` and `client --proxy`). Debian's `tor` and `tor-gencert`.
 */
export interface TorNetwork {
  /** `127.0.0.1:PORT` of the onion-service tor's control port (cookie authentication). */
  readonly serviceControl: string;
  /** `socks5://127.0.0.1:PORT` of the client tor (with ExtendedErrors: onion failures have their own codes). */
  readonly socksProxy: string;
  /** `127.0.0.1:PORT` of the client tor's control port (cookie authentication), for ONION_CLIENT_AUTH_ADD. */
  readonly clientControl: string;
  /** Stops the onion-service tor, as `systemctl stop tor` would; its control port refuses meanwhile. */
  stopServiceTor(): Promise<void>;
  /** Starts it again on the same control port and data dir; resolves once it has bootstrapped. */
  startServiceTor(): Promise<void>;
  /** Resolves once the service tor has logged `count` successful descriptor uploads. */
  descriptorUploaded(count?: number): Promise<void>;
  /** Fresh circuits on the client tor, before a retry. */
  newnym(): Promise<void>;
  /** Stops exactly the tor processes this network started, and removes its files. */
  stop(): Promise<void>;
}

const INITIAL_VOTING_INTERVAL = 10;
const UPLOADED = /Uploaded hidden service descriptor/g;

export async function startTorNetwork(options: { readonly timeoutMs: number }): Promise<TorNetwork> {
  const deadline = Date.now() + options.timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  const root = await mkdtemp(join(tmpdir(), 'litsxg-tornet-'));
  const tors: TorProcess[] = [];
  const stop = async () => {
    await Promise.all(tors.map((tor) => tor.stop()));
    await rm(root, { recursive: true, force: true });
  };
  try {
    const resolvConf = join(root, 'resolv.conf');
    await writeFile(resolvConf, 'nameserver 127.0.0.1\n');
    const authorities = await Promise.all([0, 1, 2].map(async (i) => {
      const dir = join(root, `auth${i}`);
      const orPort = await freePort();
      const dirPort = await freePort();
      const v3ident = await authorityCertificate(dir, dirPort);
      const fingerprint = await identityFingerprint(dir, `auth${i}`, orPort);
      return { dir, nickname: `auth${i}`, orPort, dirPort, line: `DirAuthority auth${i} orport=${orPort} no-v2 v3ident=${v3ident} 127.0.0.1:${dirPort} ${fingerprint}` };
    }));
    const common = [
      'TestingTorNetwork 1',
      ...authorities.map((a) => a.line),
      'PathsNeededToBuildCircuits 0.67',
      'SafeLogging 0',
      'LogTimeGranularity 1',
      `ServerDNSResolvConfFile ${resolvConf}`,
      'ServerDNSDetectHijacking 0',
      'ServerDNSAllowBrokenConfig 1',
      'ExitPolicy reject *:*',
    ];
    const nodeTorrc = (dir: string, lines: readonly string[]) => [
      ...common,
      `Log [rend,dir,circ]info file ${join(dir, 'info.log')}`,
      ...lines,
    ];
    const relayTorrc = (nickname: string, orPort: number) => [
      `Nickname ${nickname}`, `ContactInfo ${nickname}@test.invalid`, 'Address 127.0.0.1',
      `ORPort 127.0.0.1:${orPort}`, 'AssumeReachable 1', 'SocksPort 0', 'ShutdownWaitLength 0',
    ];
    // Anchor the short first voting round to launch: its vote (4 s before the round) comes once
    // every relay has uploaded its descriptor, so the first consensus lists all five.
    const offset = Math.floor(Date.now() / 1000) % INITIAL_VOTING_INTERVAL;
    const authorityTorrc = (a: (typeof authorities)[number]) => [
      ...relayTorrc(a.nickname, a.orPort),
      `DirPort 127.0.0.1:${a.dirPort}`,
      'AuthoritativeDirectory 1', 'V3AuthoritativeDirectory 1',
      'TestingDirAuthVoteGuard *', 'TestingDirAuthVoteHSDir *', 'TestingDirAuthVoteExit *',
      'TestingMinExitFlagThreshold 0', 'V3AuthNIntervalsValid 2',
      `TestingV3AuthInitialVotingInterval ${INITIAL_VOTING_INTERVAL}`, 'TestingV3AuthInitialVoteDelay 2', 'TestingV3AuthInitialDistDelay 2',
      'V3AuthVotingInterval 60', 'V3AuthVoteDelay 4', 'V3AuthDistDelay 4',
      `TestingV3AuthVotingStartOffset ${offset}`,
    ];
    const track = (tor: TorProcess) => void tors.push(tor);
    const relays = await Promise.all([0, 1].map(async (i) => ({ dir: join(root, `relay${i}`), nickname: `relay${i}`, orPort: await freePort() })));
    await Promise.all([
      ...authorities.map((a) => startTor({ dataDir: a.dir, torrc: nodeTorrc(a.dir, authorityTorrc(a)), ready: async () => true, timeoutMs: left(), track })),
      ...relays.map((r) => startTor({ dataDir: r.dir, torrc: nodeTorrc(r.dir, relayTorrc(r.nickname, r.orPort)), ready: async () => true, timeoutMs: left(), track })),
    ]);
    await waitFor('a consensus listing all five relays', deadline, async () => (await consensusRelays(authorities[0]?.dirPort ?? 0)) >= 5);

    const clientLines = ['FetchDirInfoEarly 1', 'FetchDirInfoExtraEarly 1', 'CookieAuthentication 1'];
    const serviceDir = join(root, 'service');
    const clientDir = join(root, 'client');
    const [serviceControlPort, clientControlPort, socksPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const bootstrapped = async (tor: TorProcess) => /Bootstrapped 100%/.test(await tor.log());
    const serviceTorrc = nodeTorrc(serviceDir, [...clientLines, 'SocksPort 0', `ControlPort 127.0.0.1:${serviceControlPort}`]);
    let [service] = await Promise.all([
      startTor({ dataDir: serviceDir, torrc: serviceTorrc, ready: bootstrapped, timeoutMs: left(), track }),
      startTor({ dataDir: clientDir, torrc: nodeTorrc(clientDir, [...clientLines, `SocksPort 127.0.0.1:${socksPort} ExtendedErrors`, `ControlPort 127.0.0.1:${clientControlPort}`]), ready: bootstrapped, timeoutMs: left(), track }),
    ]);
    return {
      serviceControl: `127.0.0.1:${serviceControlPort}`,
      socksProxy: `socks5://127.0.0.1:${socksPort}`,
      clientControl: `127.0.0.1:${clientControlPort}`,
      stopServiceTor: () => service!.stop(),
      startServiceTor: async () => {
        // tor appends to its log: only what the new process writes counts.
        const before = (await service!.log()).length;
        service = await startTor({
          dataDir: serviceDir, torrc: serviceTorrc, timeoutMs: 60_000, track,
          ready: async (tor) => /Bootstrapped 100%/.test((await tor.log()).slice(before)),
        });
      },
      descriptorUploaded: (count = 1) => waitFor('the onion descriptor upload', deadline, async () => {
        const log = await readFile(join(serviceDir, 'info.log'), 'utf8').catch(() => '');
        return (log.match(UPLOADED)?.length ?? 0) >= count;
      }),
      newnym: async () => {
        const conn = await TorControlConnection.open({ host: '127.0.0.1', port: clientControlPort }, 'client tor', 5000);
        try {
          await authenticateTorControl(conn, undefined);
          await conn.expectOk('SIGNAL NEWNYM', 'NEWNYM');
        } finally {
          await conn.close();
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function authorityCertificate(dir: string, dirPort: number): Promise<string> {
  const keys = join(dir, 'keys');
  await mkdir(keys, { recursive: true, mode: 0o700 });
  await run('tor-gencert', ['--create-identity-key', '-m', '12', '-a', `127.0.0.1:${dirPort}`,
    '-i', join(keys, 'authority_identity_key'), '-s', join(keys, 'authority_signing_key'),
    '-c', join(keys, 'authority_certificate'), '--passphrase-fd', '0'], '\n');
  const certificate = await readFile(join(keys, 'authority_certificate'), 'utf8');
  const fingerprint = /^fingerprint ([0-9A-F]{40})$/m.exec(certificate)?.[1];
  if (fingerprint === undefined) throw new Error('tor-gencert wrote no fingerprint');
  return fingerprint;
}

async function identityFingerprint(dir: string, nickname: string, orPort: number): Promise<string> {
  const empty = join(dir, 'empty.torrc');
  await writeFile(empty, '');
  await run('tor', ['--quiet', '--list-fingerprint', '-f', empty, '--defaults-torrc', empty, '--DataDirectory', dir,
    '--Nickname', nickname, '--ORPort', `127.0.0.1:${orPort}`, '--GeoIPFile', '/dev/null', '--GeoIPv6File', '/dev/null'], '');
  const fingerprint = /([0-9A-F]{40})/.exec(await readFile(join(dir, 'fingerprint'), 'utf8'))?.[1];
  if (fingerprint === undefined) throw new Error(`tor --list-fingerprint wrote no fingerprint for ${nickname}`);
  return fingerprint;
}

function run(command: string, args: readonly string[], stdin: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, MALLOC_ARENA_MAX: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.stdin.end(stdin);
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr.trim()}`))));
  });
}

function consensusRelays(dirPort: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: dirPort, path: '/tor/status-vote/current/consensus', timeout: 2000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve(res.statusCode === 200 ? (body.match(/^r /gm)?.length ?? 0) : 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function waitFor(what: string, deadline: number, check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`private Tor network: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
