import 'reflect-metadata';
import { join } from 'node:path';
import { runClient } from './adapters/cli/client.ts';
import { ExitStatus } from './adapters/cli/exit-status.ts';
import { checkHealth } from './adapters/cli/health-check.ts';
import { runOperatorCommand } from './adapters/cli/operator-command.ts';
import { endpointOption, parseOptions, textOption } from './adapters/cli/option-parser.ts';
import { readPassword } from './adapters/cli/read-password.ts';
import { CREDENTIALS_OPTION, DATA_DIR_OPTION, parseServeOptions } from './adapters/cli/serve-options.ts';
import { RedisUnavailableError } from './adapters/redis/redis-connections.ts';
import { RedisScaleOut } from './adapters/redis/redis-scale-out.ts';
import { CredentialStoreError } from './adapters/kysely/credential-store-error.ts';
import { CREDENTIALS_FILE, DataDirectoryError, lockDataDirectory, prepareDataDirectory } from './adapters/system/data-directory.ts';
import { JsonLinesLogger } from './adapters/system/json-lines-logger.ts';
import { connectThrough } from './adapters/tor/connect-through.ts';
import { TcpRelayServer } from './adapters/tcp/tcp-relay-server.ts';
import { TorControlError } from './adapters/tor/tor-control-error.ts';
import { TorControlOnionService } from './adapters/tor/tor-control-onion-service.ts';
import { operatorContainer } from './composition/operator-container.ts';
import { serveContainer } from './composition/serve-container.ts';
import { MessageBuffer } from './ports/message-buffer.ts';
import { describeError } from './domain/describe-error.ts';
import { OperatorAccounts } from './domain/operator-accounts.ts';
import { CredentialRepository } from './ports/credential-repository.ts';

const USAGE = `usage: litsxg serve [options] | operator add|passwd|remove NAME | operator list | client NAME | health | bench
see README.md for every option`;

/** The one place that reads the environment and the arguments, and starts things listening. */
async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest, env);
    case 'operator':
      return operatorCommand(rest, env);
    case 'health':
      return healthCommand(rest, env);
    case 'client':
      return clientCommand(rest, env);
    case 'bench': {
      // Loaded only when asked for: a server never carries the load generator.
      const { runBench } = await import('../bench/bench.ts');
      return runBench([...rest], { stdout: process.stdout, stderr: process.stderr });
    }
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return ExitStatus.ok;
    default:
      return usageError(command === undefined ? 'a command is needed' : `unknown command ${JSON.stringify(command)}`);
  }
}

function usageError(message: string): number {
  // PROTOCOL "Command line": a usage error is exactly one line.
  process.stderr.write(`litsxg: ${message} (bin/litsxg help lists the commands)\n`);
  return ExitStatus.usage;
}

async function serveCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseServeOptions(argv, env);
  if (!parsed.ok) {
    process.stderr.write(`litsxg serve: ${parsed.error}\n`);
    return ExitStatus.usage;
  }
  const options = parsed.options;
  const logger = new JsonLinesLogger(options.logLevel, (line) => process.stderr.write(line));
  // The manual: on failure the process terminates, to be restarted. Say where, never what.
  const crash = (error: unknown) => {
    logger.log('error', 'fatal', describeError(error));
    process.exit(ExitStatus.internal);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  const fail = (status: number, event: string, error: Error) => {
    logger.log('error', event, { reason: error.message });
    return status;
  };
  process.umask(0o077);
  let releaseLock: () => void;
  try {
    prepareDataDirectory(options.dataDir);
    releaseLock = lockDataDirectory(options.dataDir);
  } catch (error) {
    if (error instanceof DataDirectoryError) return fail(ExitStatus.dataDirectory, 'data_dir_unusable', error);
    throw error;
  }
  const container = serveContainer(options, join(options.dataDir, CREDENTIALS_FILE), logger);
  const running: Running = { releaseLock };
  try {
    running.credentials = await container.getAsync<CredentialRepository>(CredentialRepository);
    if (options.buffer === 'redis') {
      running.redis = container.get(RedisScaleOut);
      await running.redis.open();
    }
    const server = container.get(TcpRelayServer);
    const address = await server.listen().catch((error: Error) => {
      throw new ListenError(`cannot listen on ${options.host}:${options.port}: ${error.message}`);
    });
    running.server = server;
    // PROTOCOL "Command line": the first line says where it listens, with the real port.
    logger.announce('info', 'listening', { host: address.address, port: address.port, registration: options.registration });
    onShutdownSignal((signal) => {
      logger.log('info', 'shutting_down', { signal });
      // PROTOCOL "Other frames": exit 0 within 5 s, whatever is still in flight.
      setTimeout(() => process.exit(ExitStatus.ok), SHUTDOWN_DEADLINE_MS).unref();
      void stop(running).then(() => {
        logger.log('info', 'stopped');
        process.exit(ExitStatus.ok);
      });
    });
    await running.redis?.checkPersistence();
    running.expiry = startExpiry(container.get<MessageBuffer>(MessageBuffer), options.messageTtlMs, logger);
    if (options.onion) {
      const onion = new TorControlOnionService({
        control: options.torControl!,
        password: options.torPassword,
        keyFile: join(options.dataDir, ONION_KEY_FILE),
        onLost: (error) => logger.log('error', 'onion_lost', { reason: error.message }),
      });
      const onionAddress = await onion.publish({ host: address.address, port: address.port }, options.onionPort);
      running.onion = onion;
      logger.announce('info', 'onion_published', { address: onionAddress, port: options.onionPort });
    }
  } catch (error) {
    await stop(running);
    if (error instanceof CredentialStoreError) return fail(ExitStatus.credentials, 'credentials_unusable', error);
    if (error instanceof RedisUnavailableError) return fail(ExitStatus.redis, 'redis_unusable', error);
    if (error instanceof ListenError) return fail(ExitStatus.listen, 'listen_failed', error);
    if (error instanceof TorControlError) return fail(ExitStatus.tor, 'onion_failed', error);
    throw error;
  }
  // Runs until a signal: the shutdown handler exits the process.
  return new Promise<number>(() => undefined);
}

/** What a started server holds, released by `stop` in the one order that works. */
interface Running {
  releaseLock: () => void;
  credentials?: CredentialRepository;
  redis?: RedisScaleOut;
  server?: TcpRelayServer;
  expiry?: NodeJS.Timeout;
  onion?: TorControlOnionService;
}

/**
 * Byes first, while the onion still carries them to Tor clients; then the onion (tor is given
 * a second, no more); then Redis, after the byes released presence; the database; the lock.
 */
async function stop(running: Running): Promise<void> {
  const quietly = (step: Promise<void> | undefined) => step?.catch(() => undefined);
  await quietly(running.server?.close(SHUTDOWN_GRACE_MS));
  clearInterval(running.expiry);
  await quietly(running.onion && Promise.race([running.onion.unpublish(), new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref())]));
  await quietly(running.redis?.close());
  await quietly(running.credentials?.close());
  running.releaseLock();
}

function onShutdownSignal(handler: (signal: string) => void): void {
  process.once('SIGTERM', () => handler('SIGTERM'));
  process.once('SIGINT', () => handler('SIGINT'));
}

/** Time connections get to receive their bye; the process exits within SHUTDOWN_DEADLINE_MS. */
const SHUTDOWN_GRACE_MS = 2_000;
const SHUTDOWN_DEADLINE_MS = 4_500;
const ONION_KEY_FILE = 'onion-key';

class ListenError extends Error {
  override readonly name = 'ListenError';
}

/** Queues of operators who never come back are emptied as their messages outlive the TTL. */
function startExpiry(buffer: MessageBuffer, ttlMs: number, logger: JsonLinesLogger): NodeJS.Timeout {
  const every = Math.min(60_000, Math.max(1_000, ttlMs / 10));
  return setInterval(() => {
    buffer.expire(Date.now()).then(
      (dropped) => dropped > 0 && logger.log('info', 'messages_expired', { count: dropped }),
      (error: Error) => logger.log('error', 'expiry_failed', { reason: error.message }),
    );
  }, every).unref();
}

async function operatorCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseOptions(argv, env, [DATA_DIR_OPTION, CREDENTIALS_OPTION]);
  if (!parsed.ok) return usageError(parsed.error);
  const dataDir = parsed.values.get('data-dir') as string;
  const credentialStore = parsed.values.get('credentials') as string;
  const logger = new JsonLinesLogger('warn', (line) => process.stderr.write(line));
  try {
    if (credentialStore === 'sqlite') prepareDataDirectory(dataDir);
    const container = operatorContainer(credentialStore, join(dataDir, CREDENTIALS_FILE), logger);
    const credentials = await container.getAsync<CredentialRepository>(CredentialRepository);
    try {
      return await runOperatorCommand(parsed.positionals, container.get(OperatorAccounts), {
        stdout: process.stdout,
        stderr: process.stderr,
        readPassword: (confirm) => readPassword(process.stdin, process.stderr, confirm),
      });
    } finally {
      await credentials.close();
    }
  } catch (error) {
    if (!(error instanceof DataDirectoryError || error instanceof CredentialStoreError)) throw error;
    process.stderr.write(`litsxg operator: ${error.message}\n`);
    return ExitStatus.failed;
  }
}

const SERVER_OPTION = endpointOption('server', '127.0.0.1:7770');
const PROXY_OPTION = textOption('proxy', undefined, 'socks5://HOST:PORT', (raw) => /^socks5h?:\/\//.test(raw));

async function healthCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseOptions(argv, env, [SERVER_OPTION, PROXY_OPTION]);
  if (!parsed.ok) return usageError(parsed.error);
  if (parsed.positionals.length > 0) return usageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  const server = parsed.values.get('server') as { host: string; port: number };
  const proxy = parsed.values.get('proxy') as string | undefined;
  // PROTOCOL "Command line", health: 5 s, or 20 s through a proxy (a Tor circuit takes a while).
  const timeoutMs = proxy === undefined ? 5_000 : 20_000;
  const verdict = await checkHealth(() => connectThrough(server, proxy, timeoutMs), timeoutMs);
  (verdict.healthy ? process.stdout : process.stderr).write(`${verdict.healthy ? 'healthy' : 'unhealthy'}: ${verdict.detail}\n`);
  return verdict.healthy ? ExitStatus.ok : ExitStatus.failed;
}

async function clientCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseOptions(argv, env, [SERVER_OPTION, PROXY_OPTION]);
  if (!parsed.ok) return usageError(parsed.error);
  const [name, ...extra] = parsed.positionals;
  if (name === undefined) return usageError('client needs the NAME to log in as');
  if (extra.length > 0) return usageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  return runClient({
    name,
    server: parsed.values.get('server') as { host: string; port: number },
    proxy: parsed.values.get('proxy') as string | undefined,
    password: env.LITSXG_PASSWORD,
    input: process.stdin,
    output: process.stdout,
  });
}

main(process.argv.slice(2), process.env).then(
  (status) => {
    process.exitCode = status;
    // Exits even if some handle (a socket being torn down) would keep the loop alive.
    setTimeout(() => process.exit(status), 1_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`litsxg: unexpected failure: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(ExitStatus.internal);
  },
);
