import type { ContainerModule } from 'inversify';
import { CredentialDatabase } from '../adapters/kysely/credential-database.ts';
import { CredentialDialect } from '../adapters/kysely/credential-dialect.ts';
import { KyselyCredentialRepository } from '../adapters/kysely/kysely-credential-repository.ts';
import { KyselyGroupDirectory } from '../adapters/kysely/kysely-group-directory.ts';
import { KyselyDeviceDirectory } from '../adapters/kysely/kysely-device-directory.ts';
import { KyselyKeyDirectory } from '../adapters/kysely/kysely-key-directory.ts';
import { KyselyKeyPackageStore } from '../adapters/kysely/kysely-key-package-store.ts';
import { openSqliteCredentials } from '../adapters/sqlite/open-sqlite-credentials.ts';
import { SqliteCredentialDialect } from '../adapters/sqlite/sqlite-credential-dialect.ts';
import { CredentialRepository } from '../ports/credential-repository.ts';
import { GroupDirectory } from '../ports/group-directory.ts';
import { DeviceDirectory } from '../ports/device-directory.ts';
import { KeyDirectory } from '../ports/key-directory.ts';
import { KeyPackageStore } from '../ports/key-package-store.ts';
import { typedModule } from './typed-module.ts';

/** Credentials in the SQLite file at `path` (`:memory:` for tests); resolve with `getAsync`. */
export function sqliteModule(path: string): ContainerModule {
  return typedModule((bind) => {
    bind(CredentialDatabase).toDynamicValue(() => openSqliteCredentials(path)).inSingletonScope();
    bind(CredentialDialect).to(SqliteCredentialDialect).inSingletonScope();
    bind(CredentialRepository).to(KyselyCredentialRepository).inSingletonScope();
    bind(KeyDirectory).to(KyselyKeyDirectory).inSingletonScope();
    bind(GroupDirectory).to(KyselyGroupDirectory).inSingletonScope();
    bind(DeviceDirectory).to(KyselyDeviceDirectory).inSingletonScope();
    bind(KeyPackageStore).to(KyselyKeyPackageStore).inSingletonScope();
  });
}
