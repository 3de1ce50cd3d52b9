import { ContainerModule } from 'inversify';
import { openPostgresCredentials } from '../adapters/postgres/open-postgres-credentials.ts';
import { PostgresCredentialRepository } from '../adapters/postgres/postgres-credential-repository.ts';
import { CredentialDatabase } from '../adapters/sqlite/credential-database.ts';
import { CredentialRepository } from '../ports/credential-repository.ts';

/** Credentials in PostgreSQL at `url` (`--credentials postgres://…`); resolve with `getAsync`. */
export function postgresModule(url: string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(CredentialDatabase).toDynamicValue(() => openPostgresCredentials(url)).inSingletonScope();
    bind(CredentialRepository).to(PostgresCredentialRepository).inSingletonScope();
  });
}
