// Inversify's decorators need the Reflect metadata API before any decorated class is defined.
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitStatus } from '../adapters/cli/exit-status.ts';
import { runOperatorCommand } from '../adapters/cli/operator-command.ts';
import { flagOption, parseOptions } from '../adapters/cli/option-parser.ts';
import { readPassword } from '../adapters/cli/read-password.ts';
import { CREDENTIALS_OPTION, DATA_DIR_OPTION } from '../adapters/cli/serve-options.ts';
import { usageError } from '../adapters/cli/usage-error.ts';
import { CredentialStoreError } from '../adapters/kysely/credential-store-error.ts';
import { CREDENTIALS_FILE, DataDirectoryError, ONION_HOSTNAME_FILE, prepareDataDirectory } from '../adapters/system/data-directory.ts';
import { JsonLinesLogger } from '../adapters/system/json-lines-logger.ts';
import { OperatorAccounts } from '../domain/operator-accounts.ts';
import { CredentialRepository } from '../ports/credential-repository.ts';
import { OnionClientKeys } from '../ports/onion-client-keys.ts';
import { operatorContainer } from './operator-container.ts';
import { resolve, resolveAsync } from './typed-module.ts';

/** `operator add|passwd|remove|onion-key NAME | list [--data-dir DIR] [--credentials …]`, beside a running server. */
export async function runOperator(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number> {
  const parsed = parseOptions(argv, env, [DATA_DIR_OPTION, CREDENTIALS_OPTION, flagOption('key-only'), flagOption('public')]);
  if (!parsed.ok) return usageError(parsed.error);
  const dataDir = parsed.values.get('data-dir') as string;
  const credentialStore = parsed.values.get('credentials') as string;
  const logger = new JsonLinesLogger('warn', (line) => process.stderr.write(line));
  try {
    if (credentialStore === 'sqlite') prepareDataDirectory(dataDir);
    const container = await operatorContainer(credentialStore, join(dataDir, CREDENTIALS_FILE), logger);
    const credentials = await resolveAsync(container, CredentialRepository);
    try {
      const onion = {
        keys: resolve(container, OnionClientKeys),
        hostname: () => readFile(join(dataDir, ONION_HOSTNAME_FILE), 'utf8').then((text) => text.trim(), () => undefined),
        keyOnly: parsed.values.get('key-only') as boolean,
        publicLine: parsed.values.get('public') as boolean,
      };
      return await runOperatorCommand(parsed.positionals, resolve(container, OperatorAccounts), onion, {
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
