import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitStatus } from '../adapters/cli/exit-status.ts';
import { OPERATOR_COMMAND, operatorSays, parseOperatorRequest, readNewPassword, runOperatorCommand } from '../adapters/cli/operator-command.ts';
import { parseCommandLine } from '../adapters/cli/option-parser.ts';
import { readPassword } from '../adapters/cli/read-password.ts';
import { warnStrayVariables } from '../adapters/cli/stray-variables.ts';
import { helpOrUsageError, usageError } from '../adapters/cli/usage-error.ts';
import { CredentialStoreError } from '../adapters/kysely/credential-store-error.ts';
import { backupSqliteDatabase } from '../adapters/sqlite/backup-sqlite-database.ts';
import { CREDENTIALS_FILE, DataDirectoryError, ONION_HOSTNAME_FILE, prepareDataDirectory, requireDataDirectory } from '../adapters/system/data-directory.ts';
import { JsonLinesLogger } from '../adapters/system/json-lines-logger.ts';
import { OperatorAccounts } from '../domain/operator-accounts.ts';
import { CredentialRepository } from '../ports/credential-repository.ts';
import { OnionClientKeys } from '../ports/onion-client-keys.ts';
import { operatorContainer } from './operator-container.ts';
import { resolve, resolveAsync } from './typed-module.ts';

/** `operator add|passwd|remove|revoke-key|reset-devices|onion-key NAME | list [--data-dir DIR] [--credentials …]`, beside a running server. */
export async function runOperator(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseCommandLine(OPERATOR_COMMAND, argv, env);
  if (parsed.kind !== 'run') return helpOrUsageError(OPERATOR_COMMAND.name, parsed);
  const request = parseOperatorRequest(parsed.positionals);
  if ('status' in request) {
    if (request.status === ExitStatus.usage) return usageError(OPERATOR_COMMAND.name, request.message);
    operatorSays(process, request.message);
    return ExitStatus.failed;
  }
  await warnStrayVariables(OPERATOR_COMMAND, env);
  const { credentials: credentialStore, 'data-dir': dataDir } = parsed.values;
  const logger = new JsonLinesLogger('warn', (line) => process.stderr.write(line));
  try {
    if (request.action === 'backup') {
      if (credentialStore !== 'sqlite') {
        operatorSays(process, 'backup copies the SQLite credential database; for a PostgreSQL one use pg_dump');
        return ExitStatus.failed;
      }
      await backupSqliteDatabase(join(requireDataDirectory(dataDir).path, CREDENTIALS_FILE), request.file);
      process.stdout.write(`backed up the credential database to ${request.file}\n`);
      return ExitStatus.ok;
    }
    let readOperatorPassword = (confirm: boolean) => readPassword(process.stdin, process.stderr, confirm);
    if (request.action === 'add') {
      const read = await readNewPassword(request.name, { readPassword: readOperatorPassword });
      if (!read.ok) {
        operatorSays(process, read.reason);
        return ExitStatus.failed;
      }
      readOperatorPassword = async () => read.password;
    }
    // Issue 11.2: `./data` follows the working directory; only `add` may start a new one, and says where.
    if (credentialStore === 'sqlite') {
      const directory = request.action === 'add' ? prepareDataDirectory(dataDir) : requireDataDirectory(dataDir);
      if (directory.created) operatorSays(process, `created data directory ${directory.path}`);
    }
    const container = await operatorContainer(credentialStore, join(dataDir, CREDENTIALS_FILE), logger);
    const credentials = await resolveAsync(container, CredentialRepository);
    try {
      const onion = {
        keys: resolve(container, OnionClientKeys),
        hostname: () => readFile(join(dataDir, ONION_HOSTNAME_FILE), 'utf8').then((text) => text.trim(), () => undefined),
        keyOnly: parsed.values['key-only'],
        publicLine: parsed.values.public,
      };
      return await runOperatorCommand(request, resolve(container, OperatorAccounts), onion, {
        stdout: process.stdout,
        stderr: process.stderr,
        readPassword: readOperatorPassword,
      });
    } finally {
      await credentials.close();
    }
  } catch (error) {
    if (!(error instanceof DataDirectoryError || error instanceof CredentialStoreError)) throw error;
    operatorSays(process, error.message);
    return ExitStatus.failed;
  }
}
