import { ExitStatus } from './adapters/cli/exit-status.ts';
import { parseServeOptions, SERVE_COMMAND } from './adapters/cli/serve-options.ts';
import { strayVariablesFor } from './adapters/cli/stray-variables.ts';
import { helpOrUsageError, usageError } from './adapters/cli/usage-error.ts';
import { JsonLinesLogger } from './adapters/system/json-lines-logger.ts';
import { sourceMappedStack } from './adapters/system/source-location.ts';
import { describeError } from './domain/describe-error.ts';

/** The one place that reads the environment and the arguments: starts a command, maps signals and exit statuses. */
async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serveCommand(rest, env);
    // Each command loads only what it uses, for a quick start (`bench` is bin/litsxg's, in a checkout).
    case 'operator':
      return (await import('./composition/run-operator.ts')).runOperator(rest, env);
    case 'health':
      return (await import('./adapters/cli/health-command.ts')).runHealthCommand(rest, env);
    case 'client':
      return (await import('./adapters/cli/client-command.ts')).runClientCommand(rest, env);
    case 'send':
      return (await import('./adapters/cli/send-command.ts')).runSendCommand(rest, env);
    case 'help':
    case '--help':
    case '-h':
      return (await import('./adapters/cli/help-command.ts')).runHelpCommand(rest);
    case 'version':
    case '--version':
    case '-V':
      return (await import('./adapters/cli/help-command.ts')).runVersionCommand();
    default:
      return usageError(undefined, command === undefined ? 'a command is needed' : `unknown command ${JSON.stringify(command)}`);
  }
}

async function serveCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const parsed = parseServeOptions(argv, env);
  if (parsed.kind !== 'run') return helpOrUsageError('serve', parsed);
  const options = parsed.options;
  const logger = new JsonLinesLogger(options.logLevel, (line) => process.stderr.write(line));
  // The manual: on failure the process terminates, to be restarted. Say where, never what.
  const crash = (error: unknown) => {
    logger.log('error', 'fatal', describeError(error));
    process.exit(ExitStatus.internal);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  process.umask(0o077);
  const deps = await import('./composition/serve-dependencies.ts');
  // ioredis is loaded only when Redis is chosen (docs/performance.md § Startup and memory).
  const redis = options.buffer === 'redis' ? await import('./composition/redis-dependencies.ts') : undefined;
  // --onion-down-exit: the manual's "on failure the process terminates", for a supervisor to restart it.
  const onionAbandoned = () => {
    logger.log('error', 'onion_abandoned', { down_for_s: options.onionDownExitMs / 1000 });
    void starting.then((server) => server.stop()).finally(() => process.exit(ExitStatus.tor));
  };
  const strays = await strayVariablesFor(SERVE_COMMAND, env);
  const starting = deps.startServer({ ...options, strayVariables: strays }, logger, onionAbandoned);
  onShutdownSignal((signal) => {
    logger.log('info', 'shutting_down', { signal });
    // PROTOCOL "Other frames": exit 0 within 5 s, whatever is still in flight.
    setTimeout(() => process.exit(ExitStatus.ok), SHUTDOWN_DEADLINE_MS).unref();
    // A server still starting is stopped once started; one that fails to start exits with its own status.
    starting.then(
      (server) => server.stop().then(() => {
        logger.log('info', 'stopped');
        process.exit(ExitStatus.ok);
      }),
      () => undefined,
    );
  });
  try {
    await starting;
  } catch (error) {
    const failures = [
      [deps.DataDirectoryError, ExitStatus.dataDirectory, 'data_dir_unusable'],
      [deps.CredentialStoreError, ExitStatus.credentials, 'credentials_unusable'],
      [redis?.RedisUnavailableError, ExitStatus.redis, 'redis_unusable'],
      [deps.ListenError, ExitStatus.listen, 'listen_failed'],
      [deps.TorControlError, ExitStatus.tor, 'onion_failed'],
    ] as const;
    for (const [type, status, event] of failures) {
      if (type === undefined || !(error instanceof type)) continue;
      logger.log('error', event, { reason: error.message });
      return status;
    }
    throw error;
  }
  // Runs until a signal: the shutdown handler exits the process.
  return new Promise<number>(() => undefined);
}

function onShutdownSignal(handler: (signal: string) => void): void {
  process.once('SIGTERM', () => handler('SIGTERM'));
  process.once('SIGINT', () => handler('SIGINT'));
}

/** The process exits this soon after a signal, whatever is still in flight (stopping grants connections 2 s). */
const SHUTDOWN_DEADLINE_MS = 4_500;

main(process.argv.slice(2), process.env).then(
  (status) => {
    process.exitCode = status;
    // Exits even if some handle (a socket being torn down) would keep the loop alive.
    setTimeout(() => process.exit(status), 1_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`litsxg: unexpected failure: ${error instanceof Error ? sourceMappedStack(String(error.stack)) : String(error)}\n`);
    process.exit(ExitStatus.internal);
  },
);
