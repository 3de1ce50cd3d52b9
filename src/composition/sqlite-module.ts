import { ContainerModule } from 'inversify';
import { CredentialDatabase } from '../adapters/sqlite/credential-database.ts';
import { openSqliteCredentials } from '../adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialRepository } from '../adapters/sqlite/sqlite-credential-repository.ts';
import { CredentialRepository } from '../ports/credential-repository.ts';

/** Credentials in the SQLite file at `path` (`:memory:` for tests); resolve with `getAsync`. */
export function sqliteModule(path: string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(CredentialDatabase).toDynamicValue(() => openSqliteCredentials(path)).inSingletonScope();
    bind(CredentialRepository).to(SqliteCredentialRepository).inSingletonScope();
  });
}
