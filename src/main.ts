import { join } from 'node:path';
import { ExitStatus } from './adapters/cli/exit-status.ts';
import { parseServeOptions } from './adapters/cli/serve-options.ts';
import { usageError } from './adapters/cli/usage-error.ts';
import { JsonLinesLogger } from './adapters/system/json-lines-logger.ts';
import type { RedisScaleOut } from './adapters/redis/redis-scale-out.ts';
import type { TcpRelayServer } from './adapters/tcp/tcp-relay-server.ts';
import type { TorControlOnionService } from './adapters/tor/tor-control-onion-service.ts';
import { describeError } from './domain/describe-error.ts';
import type { CredentialRepository } from './ports/credential-repository.ts';
import type { MessageBuffer } from './ports/message-buffer.ts';

const USAGE = `usage: litsxg serve [options] | operator add|passwd|remove NAME | operator list | client NAME | health | bench
see README.md for every option`;

/** The one place that reads the environment and the arguments, and starts things listening. */
async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest, env);
    // Each command loads only what it uses: a quick start, and a server never carries the bench.
    case 'operator':
      return (await import('./composition/run-operator.ts')).runOperator(rest, env);
    case 'health':
      return (await import('./adapters/cli/health-command.ts')).runHealthCommand(rest, env);
    case 'client':
      return (await import('./adapters/cli/client-command.ts')).runClientCommand(rest, env);
    case 'bench':
      return (await import('../bench/bench.ts')).runBench([...rest], { stdout: process.stdout, stderr: process.stderr });
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return ExitStatus.ok;
    default:
      return usageError(command === undefined ? 'a command is needed' : `unknown command ${JSON.stringify(command)}`);
  }
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
  const deps = await import('./composition/serve-dependencies.ts');
  const { CREDENTIALS_FILE, DataDirectoryError, lockDataDirectory, prepareDataDirectory } = deps;
  let releaseLock: () => void;
  try {
    prepareDataDirectory(options.dataDir);
    releaseLock = lockDataDirectory(options.dataDir);
  } catch (error) {
    if (error instanceof DataDirectoryError) return fail(ExitStatus.dataDirectory, 'data_dir_unusable', error);
    throw error;
  }
  const container = deps.serveContainer(options, join(options.dataDir, CREDENTIALS_FILE), logger);
  const running: Running = { releaseLock };
  try {
    running.credentials = await container.getAsync<CredentialRepository>(deps.CredentialRepository);
    if (options.buffer === 'redis') {
      running.redis = container.get(deps.RedisScaleOut);
      await running.redis.open();
    }
    const server = container.get(deps.TcpRelayServer);
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
    running.expiry = startExpiry(container.get<MessageBuffer>(deps.MessageBuffer), options.messageTtlMs, logger);
    if (options.onion) {
      const onion = new deps.TorControlOnionService({
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
    if (error instanceof deps.CredentialStoreError) return fail(ExitStatus.credentials, 'credentials_unusable', error);
    if (error instanceof deps.RedisUnavailableError) return fail(ExitStatus.redis, 'redis_unusable', error);
    if (error instanceof ListenError) return fail(ExitStatus.listen, 'listen_failed', error);
    if (error instanceof deps.TorControlError) return fail(ExitStatus.tor, 'onion_failed', error);
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
  return setInterval(async () => {
    try {
      const dropped = await buffer.expire(Date.now());
      if (dropped > 0) logger.log('info', 'messages_expired', { count: dropped });
    } catch (error) {
      logger.log('error', 'expiry_failed', { reason: (error as Error).message });
    }
  }, every).unref();
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
